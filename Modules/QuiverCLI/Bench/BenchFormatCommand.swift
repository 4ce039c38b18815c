import ArgumentParser
import Foundation
import Quiver
import QuiverExchange
import QuiverFormat
import QuiverKernels

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
  var level: Int32 = 1

  @Option(help: "Rows fetched by each take measurement.")
  var takeRows = 1_000

  @Option(help: "Repetitions of every measurement (the median is reported).")
  var repetitions = 5

  @Option(help: "Rows per batch handed to the writer.")
  var batchRows = 8_192

  @Option(help: "Python with pyarrow and pylance: also run scripts/bench/format_anchors.py on the same data.")
  var anchorsPython: String?

  @Option(help: "Comma-separated columns to measure (default: every column and all together).")
  var columns: String?

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

    var generator = SeededRandom(seed: 20_261_125)
    let takeOffsets = (0..<takeRows).map { _ in Int(generator.next() % UInt64(batch.rowCount)) }
    var results: [FormatBenchResult] = []
    let chosen = columns.map { $0.split(separator: ",").map(String.init) } ?? batch.schema.names + ["(all)"]
    for name in chosen {
      let projection = name == "(all)" ? batch.schema.names : [name]
      results.append(try measure(columns: projection, label: name, batch: batch, work: work, takeOffsets: takeOffsets))
    }

    if let python = anchorsPython {
      results += try runAnchors(python: python, folder: folder, takeOffsets: takeOffsets)
    }
    if json {
      try BenchJSON.print(results)
    } else {
      print("rows: \(batch.rowCount), page size \(pageSize) B, zstd level \(level), median of \(repetitions), take \(takeRows) random rows")
      print(FormatBenchResult.table(results))
    }
  }

  private func measure(
    columns: [String], label: String, batch: RecordBatch, work: URL, takeOffsets: [Int]
  ) throws -> FormatBenchResult {
    let selected = try batch.selecting(columns: columns)
    let stem = label == "(all)" ? "all" : label
    var url = work.appendingPathComponent("\(stem).qdf")
    let options = DataFileWriterOptions(
      pageSize: pageSize, compressionLevel: level == 0 ? nil : level, overwrite: true,
      synchronizeOnFinish: false)
    var statistics: DataFileStatistics? = nil
    let write = try timed { repetition in
      // A new file each time: rewriting a truncated file makes ext4 flush it on close.
      try? FileManager.default.removeItem(at: url)
      url = work.appendingPathComponent("\(stem)-\(repetition).qdf")
      let writer = try DataFileWriter(url: url, schema: selected.schema, options: options)
      var row = 0
      while row < selected.rowCount {
        let end = min(selected.rowCount, row + batchRows)
        try writer.write(selected.slice(rows: row..<end))
        row = end
      }
      statistics = try writer.finish()
    }
    let reader = try DataFileReader(url: url)
    let scan = try timed { _ in
      var total = 0
      try reader.scan { total += $0.rowCount }
      precondition(total == batch.rowCount)
    }
    let take = try timed { _ in
      let taken = try reader.take(rowOffsets: takeOffsets)
      precondition(taken.rowCount == takeOffsets.count)
    }
    let raw = statistics!.columns.reduce(0) { $0 + $1.rawBytes }
    let encoded = statistics!.columns.reduce(0) { $0 + $1.encodedBytes }
    let encodings = statistics!.columns.flatMap { column in
      column.pagesPerEncoding.map { "\($0.key)" }
    }
    return FormatBenchResult(
      engine: "quiver", column: label, rows: batch.rowCount, encodedBytes: label == "(all)" ? statistics!.fileBytes : encoded,
      rawBytes: raw, writeMBPerSecond: Double(raw) / median(write.wall) / 1e6,
      scanMBPerSecond: Double(raw) / median(scan.wall) / 1e6,
      takeRowsPerSecond: Double(takeOffsets.count) / median(take.wall),
      writeMBPerCPUSecond: Double(raw) / median(write.cpu) / 1e6,
      scanMBPerCPUSecond: Double(raw) / median(scan.cpu) / 1e6,
      note: "pages \(statistics!.columns.reduce(0) { $0 + $1.pageCount }), zstd \(statistics!.columns.reduce(0) { $0 + $1.compressedPages }), \(Set(encodings).sorted().joined(separator: "+"))")
  }

  /// Runs `body` `--repetitions` times (passing the repetition number); the wall-clock and the
  /// process CPU seconds of each run.
  private func timed(_ body: (Int) throws -> Void) rethrows -> (wall: [Double], cpu: [Double]) {
    var wall: [Double] = []
    var cpu: [Double] = []
    for repetition in 0..<repetitions {
      let start = MonotonicClock.now()
      let startCPU = PeakMemory.cpuSeconds()
      try body(repetition)
      wall.append(MonotonicClock.seconds(since: start))
      cpu.append(PeakMemory.cpuSeconds() - startCPU)
    }
    return (wall, cpu)
  }

  private func runAnchors(python: String, folder: URL, takeOffsets: [Int]) throws -> [FormatBenchResult] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("scripts/bench/format_anchors.py")
    let offsetsFile = FileManager.default.temporaryDirectory.appendingPathComponent("quiver-take-\(UUID().uuidString).json")
    try JSONEncoder().encode(takeOffsets).write(to: offsetsFile)
    defer { try? FileManager.default.removeItem(at: offsetsFile) }
    var arguments = [script.path, "--dataset", folder.path, "--repetitions", String(repetitions), "--take-offsets", offsetsFile.path]
    if let rows { arguments += ["--rows", String(rows)] }
    let data = try commandOutput(([python] + arguments).map(shellQuoted).joined(separator: " "))
    return try JSONDecoder().decode([FormatBenchResult].self, from: data)
  }
}

/// Standard output of a shell command, read with `popen` (no helper thread; simpler than
/// Foundation's `Process` for reading one pipe).
func commandOutput(_ command: String) throws -> Data {
  guard let pipe = popen(command, "r") else { throw ValidationError("cannot run \(command)") }
  var output = Data()
  var buffer = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = fread(&buffer, 1, buffer.count, pipe)
    if count == 0 { break }
    output.append(contentsOf: buffer[0..<count])
  }
  let status = pclose(pipe)
  guard status == 0 else { throw ValidationError("\(command) exited with status \(status)") }
  return output
}

/// `value` in single quotes for /bin/sh.
func shellQuoted(_ value: String) -> String {
  "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

private func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
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
  var writeMBPerCPUSecond: Double?
  var scanMBPerCPUSecond: Double?
  var note: String

  enum CodingKeys: String, CodingKey {
    case engine, column, rows, note
    case encodedBytes = "encoded_bytes"
    case rawBytes = "raw_bytes"
    case writeMBPerSecond = "write_mb_per_second"
    case scanMBPerSecond = "scan_mb_per_second"
    case takeRowsPerSecond = "take_rows_per_second"
    case writeMBPerCPUSecond = "write_mb_per_cpu_second"
    case scanMBPerCPUSecond = "scan_mb_per_cpu_second"
  }

  static func table(_ results: [FormatBenchResult]) -> String {
    var lines = ["| engine | column | raw MB | on disk MB | ratio | write MB/s | scan MB/s | write MB/cpu-s | scan MB/cpu-s | take rows/s | note |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for result in results {
      let take = result.takeRowsPerSecond.map { String(format: "%.0f", $0) } ?? "—"
      let writeCPU = result.writeMBPerCPUSecond.map { String(format: "%.0f", $0) } ?? "—"
      let scanCPU = result.scanMBPerCPUSecond.map { String(format: "%.0f", $0) } ?? "—"
      lines.append(
        "| \(result.engine) | \(result.column) | " + String(format: "%.2f | %.2f | %.3f | %.0f | %.0f | ", Double(result.rawBytes) / 1e6, Double(result.encodedBytes) / 1e6, Double(result.encodedBytes) / Double(max(result.rawBytes, 1)), result.writeMBPerSecond, result.scanMBPerSecond)
          + "\(writeCPU) | \(scanCPU) | \(take) | \(result.note) |")
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
    let text = try commandOutput("gzip -dc " + shellQuoted(folder.appendingPathComponent("base_texts.jsonl.gz").path))
    let decoder = JSONDecoder()
    var records: [TextRecord] = []
    for line in text.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
      if let limit, records.count >= limit { break }
      records.append(try decoder.decode(TextRecord.self, from: Data(line)))
    }
    let vectors = try VectorMatrix<Float>(
      fvecsAt: folder.appendingPathComponent("base.fvecs").path, limit: records.count)
    records = Array(records.prefix(vectors.count))
    return try RecordBatch(columns: [
      "id": records.map(\.id),
      "source": records.map(\.source),
      "name": records.map(\.name),
      "text": records.map(\.text),
      "n_packages": records.map(\.n_packages),
      "vector": try Column(vectors: vectors.values, dimension: vectors.dimension),
    ])
  }
}
