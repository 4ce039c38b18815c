import ArgumentParser
import Foundation
import Quiver

/// `quiver bench format`: writes the columns of a text-and-embedding dataset to data files and
/// measures bytes on disk, write and scan throughput and random `take` (Docs/Benchmarks.md
/// "Columnar format"); optionally runs scripts/bench/format_anchors.py for pyarrow Parquet (zstd)
/// and pylance in the same run.
struct BenchFormatCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "format",
    abstract: "Benchmark the columnar data file on a dataset folder (base.fvecs + base_texts.jsonl.gz).")

  @Option(help: "Dataset folder holding base.fvecs and base_texts.jsonl.gz.")
  var dataset: String

  @Flag(help: "Print a JSON array of result objects instead of a table.")
  var json = false

  @Option(help: "Use only the first N rows (default: all).")
  var rows: Int?

  @Option(help: "Page size in bytes.")
  var pageSize = 1 << 20

  @Option(help: "zstd level for scalar and text pages (0 = no compression).")
  var level: Int32 = 3

  @Option(help: "Rows fetched by each take measurement.")
  var takeRows = 1_000

  @Option(help: "Repetitions of every measurement (the median is reported).")
  var repetitions = 5

  @Option(help: "Rows per batch handed to the writer.")
  var batchRows = 8_192

  @Option(help: "Python with pyarrow and pylance: also run scripts/bench/format_anchors.py on the same data.")
  var anchorsPython: String?

  @Option(help: "Folder for the written files (default: a fresh temporary folder, removed after).")
  var workDirectory: String?

  func validate() throws {
    guard repetitions >= 1, takeRows >= 1, batchRows >= 1, pageSize >= 1 else {
      throw ValidationError("--repetitions, --take-rows, --batch-rows and --page-size must be at least 1")
    }
    guard (0...22).contains(level) else { throw ValidationError("--level must be in 0...22") }
  }

  func run() throws {
    let folder = URL(fileURLWithPath: dataset)
    let batch = try FormatBenchDataset.load(folder, limit: rows)
    let work = workDirectory.map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("quiver-bench-format-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { if workDirectory == nil { try? FileManager.default.removeItem(at: work) } }

    var generator = SplitMix(seed: 20_261_125)
    let takeOffsets = (0..<takeRows).map { _ in Int(generator.next() % UInt64(batch.rowCount)) }
    var results: [FormatBenchResult] = []
    for name in batch.schema.names {
      results.append(try measure(columns: [name], label: name, batch: batch, work: work, takeOffsets: takeOffsets))
    }
    results.append(try measure(columns: batch.schema.names, label: "(all)", batch: batch, work: work, takeOffsets: takeOffsets))

    if let python = anchorsPython {
      results += try runAnchors(python: python, folder: folder, takeOffsets: takeOffsets)
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(results), as: UTF8.self))
    } else {
      print("rows: \(batch.rowCount), page size \(pageSize) B, zstd level \(level), median of \(repetitions), take \(takeRows) random rows")
      print(FormatBenchResult.table(results))
    }
  }

  private func measure(
    columns: [String], label: String, batch: RecordBatch, work: URL, takeOffsets: [Int]
  ) throws -> FormatBenchResult {
    let selected = try batch.selecting(columns: columns)
    let url = work.appendingPathComponent("\(label == "(all)" ? "all" : label).qdf")
    let options = DataFileWriterOptions(
      pageSize: pageSize, compressionLevel: level == 0 ? nil : level, overwrite: true,
      synchronizeOnFinish: false)
    var writeSeconds: [Double] = []
    var statistics: DataFileStatistics? = nil
    for _ in 0..<repetitions {
      let start = DispatchTime.now().uptimeNanoseconds
      let writer = try DataFileWriter(url: url, schema: selected.schema, options: options)
      var row = 0
      while row < selected.rowCount {
        let end = min(selected.rowCount, row + batchRows)
        try writer.write(selected.slice(rows: row..<end))
        row = end
      }
      statistics = try writer.finish()
      writeSeconds.append(seconds(since: start))
    }
    let reader = try DataFileReader(url: url)
    var scanSeconds: [Double] = []
    for _ in 0..<repetitions {
      let start = DispatchTime.now().uptimeNanoseconds
      var total = 0
      try reader.scan { total += $0.rowCount }
      precondition(total == batch.rowCount)
      scanSeconds.append(seconds(since: start))
    }
    var takeSeconds: [Double] = []
    for _ in 0..<repetitions {
      let start = DispatchTime.now().uptimeNanoseconds
      let taken = try reader.take(rowOffsets: takeOffsets)
      precondition(taken.rowCount == takeOffsets.count)
      takeSeconds.append(seconds(since: start))
    }
    let raw = statistics!.columns.reduce(0) { $0 + $1.rawBytes }
    let encoded = statistics!.columns.reduce(0) { $0 + $1.encodedBytes }
    let encodings = statistics!.columns.flatMap { column in
      column.pagesPerEncoding.map { "\($0.key)" }
    }
    return FormatBenchResult(
      engine: "quiver", column: label, rows: batch.rowCount, encodedBytes: label == "(all)" ? statistics!.fileBytes : encoded,
      rawBytes: raw, writeMBPerSecond: Double(raw) / median(writeSeconds) / 1e6,
      scanMBPerSecond: Double(raw) / median(scanSeconds) / 1e6,
      takeRowsPerSecond: Double(takeOffsets.count) / median(takeSeconds),
      note: "pages \(statistics!.columns.reduce(0) { $0 + $1.pageCount }), zstd \(statistics!.columns.reduce(0) { $0 + $1.compressedPages }), \(Set(encodings).sorted().joined(separator: "+"))")
  }

  private func runAnchors(python: String, folder: URL, takeOffsets: [Int]) throws -> [FormatBenchResult] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("scripts/bench/format_anchors.py")
    let offsetsFile = FileManager.default.temporaryDirectory.appendingPathComponent("quiver-take-\(UUID().uuidString).json")
    try JSONEncoder().encode(takeOffsets).write(to: offsetsFile)
    defer { try? FileManager.default.removeItem(at: offsetsFile) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    var arguments = [script.path, "--dataset", folder.path, "--repetitions", String(repetitions), "--take-offsets", offsetsFile.path]
    if let rows { arguments += ["--rows", String(rows)] }
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ValidationError("\(script.path) exited with status \(process.terminationStatus)")
    }
    return try JSONDecoder().decode([FormatBenchResult].self, from: data)
  }
}

private func seconds(since start: UInt64) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

private func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// SplitMix64, so the take offsets are the same in every run (and handed to the anchors script).
private struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// One row of the benchmark's output.
struct FormatBenchResult: Codable {
  var engine: String
  var column: String
  var rows: Int
  var encodedBytes: Int
  var rawBytes: Int
  var writeMBPerSecond: Double
  var scanMBPerSecond: Double
  var takeRowsPerSecond: Double?
  var note: String

  enum CodingKeys: String, CodingKey {
    case engine, column, rows, note
    case encodedBytes = "encoded_bytes"
    case rawBytes = "raw_bytes"
    case writeMBPerSecond = "write_mb_per_second"
    case scanMBPerSecond = "scan_mb_per_second"
    case takeRowsPerSecond = "take_rows_per_second"
  }

  static func table(_ results: [FormatBenchResult]) -> String {
    var lines = ["| engine | column | raw MB | on disk MB | ratio | write MB/s | scan MB/s | take rows/s | note |", "|---|---|---|---|---|---|---|---|---|"]
    for result in results {
      let take = result.takeRowsPerSecond.map { String(format: "%.0f", $0) } ?? "—"
      lines.append(
        "| \(result.engine) | \(result.column) | " + String(format: "%.2f | %.2f | %.3f | %.0f | %.0f | ", Double(result.rawBytes) / 1e6, Double(result.encodedBytes) / 1e6, Double(result.encodedBytes) / Double(max(result.rawBytes, 1)), result.writeMBPerSecond, result.scanMBPerSecond)
          + "\(take) | \(result.note) |")
    }
    return lines.joined(separator: "\n")
  }
}

/// The benchmark's table: id, source, name, text, n_packages from base_texts.jsonl.gz and the
/// vectors of base.fvecs.
enum FormatBenchDataset {
  private struct TextRecord: Decodable {
    var id: Int64
    var source: String
    var name: String
    var n_packages: Int64
    var text: String
  }

  static func load(_ folder: URL, limit: Int?) throws -> RecordBatch {
    let gzip = Process()
    gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    gzip.arguments = ["gzip", "-dc", folder.appendingPathComponent("base_texts.jsonl.gz").path]
    let pipe = Pipe()
    gzip.standardOutput = pipe
    try gzip.run()
    let text = pipe.fileHandleForReading.readDataToEndOfFile()
    gzip.waitUntilExit()
    guard gzip.terminationStatus == 0 else { throw ValidationError("cannot decompress base_texts.jsonl.gz in \(folder.path)") }
    let decoder = JSONDecoder()
    var records: [TextRecord] = []
    for line in text.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
      if let limit, records.count >= limit { break }
      records.append(try decoder.decode(TextRecord.self, from: Data(line)))
    }
    let vectorData = try Data(contentsOf: folder.appendingPathComponent("base.fvecs"), options: .alwaysMapped)
    let dimension = Int(vectorData.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
    let recordBytes = 4 + 4 * dimension
    let count = min(records.count, vectorData.count / recordBytes)
    var flat = [Float](repeating: 0, count: count * dimension)
    flat.withUnsafeMutableBytes { out in
      vectorData.withUnsafeBytes { raw in
        for row in 0..<count {
          out.baseAddress!.advanced(by: row * dimension * 4).copyMemory(from: raw.baseAddress! + row * recordBytes + 4, byteCount: dimension * 4)
        }
      }
    }
    records = Array(records.prefix(count))
    return try RecordBatch(columns: [
      "id": records.map(\.id),
      "source": records.map(\.source),
      "name": records.map(\.name),
      "text": records.map(\.text),
      "n_packages": records.map(\.n_packages),
      "vector": try Column(vectors: flat, dimension: dimension),
    ])
  }
}
