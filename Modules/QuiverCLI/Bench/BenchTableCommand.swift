import ArgumentParser
import Foundation
import Quiver
import QuiverStorage
import QuiverTable

/// `quiver bench table`: commit throughput and open latency of a versioned table.
///
/// For each version count N: a fresh table gets N commits of one small batch each (the first
/// creates it), timed as a whole; then the latest version is opened `--open-repetitions` times
/// and the median is reported. Opening lists `_versions/` and reads only the latest manifest.
/// Each count runs with synchronous commits (five `fsync`s per commit, the default) and, unless
/// `--synchronous-only`, without (`DatasetOptions.synchronousCommits = false`). `--directory`
/// may be an `s3://bucket/prefix` (the tables go there); with `--writers N` the commits after
/// the first are made by N writers at once, each on its own `Dataset`, racing for versions.
struct BenchTableCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "table",
    abstract: "Benchmark table commits (appends of small batches) and opening at many versions.")

  @Flag(help: "Print a JSON array of results instead of a table.")
  var json = false

  @Option(help: "Comma-separated version counts.")
  var versions = "1,100,1000"

  @Option(help: "Rows per appended batch.")
  var rowsPerBatch = 10

  @Option(help: "Dimension of the float32 vector column.")
  var dimension = 16

  @Option(help: "Timed opens per version count; the median is reported.")
  var openRepetitions = 21

  @Flag(help: "Only measure synchronous (fsync) commits.")
  var synchronousOnly = false

  @Option(help: "Folder or s3://bucket/prefix for the benchmark tables (default: the system temporary folder).")
  var directory: String?

  @Option(help: "Writers committing at once (each on its own Dataset).")
  var writers = 1

  func validate() throws {
    guard OptionValue.positiveIntegers(versions) != nil else {
      throw ValidationError("--versions must list positive integers, e.g. 1,100,1000")
    }
    guard rowsPerBatch >= 1, dimension >= 1, openRepetitions >= 1, writers >= 1 else {
      throw ValidationError(
        "--rows-per-batch, --dimension, --open-repetitions and --writers must be positive")
    }
  }

  func run() throws {
    let remote = directory.map(ObjectStoreTables.isRemote) ?? false
    let base = directory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
    let runName = "quiver-bench-table-\(UUID().uuidString)"
    let root = base.appendingPathComponent(runName)
    defer { if !remote { try? FileManager.default.removeItem(at: root) } }
    let schema = try Schema([
      Field("id", .int64, nullable: false), Field("vector", .fixedSizeList(.float32, dimension: dimension)),
    ])
    var results: [TableBenchResult] = []
    for synchronous in synchronousOnly || remote ? [true] : [true, false] {
    for count in OptionValue.positiveIntegers(versions) ?? [] {
      let options = DatasetOptions(synchronousCommits: synchronous)
      let tableName = "table-\(count)-\(synchronous)"
      let storage: any Storage =
        remote
        ? try ObjectStoreTables.storage("\(directory ?? "")/\(runName)/\(tableName)")
        : LocalStorage(root: root.appendingPathComponent(tableName).path, synchronous: synchronous)
      let batches = try (0..<count).map { try makeBatch(schema: schema, first: $0 * rowsPerBatch) }
      let start = MonotonicClock.now()
      var lastHundredStart = start
      var dataset = try Dataset.create(
        in: storage, schema: schema, batches: [batches[0]], options: options)
      if writers == 1 {
        for index in 1..<count {
          if index == count - 100 { lastHundredStart = MonotonicClock.now() }
          try dataset.append([batches[index]])
        }
      } else {
        try appendConcurrently(Array(batches.dropFirst()), to: dataset)
      }
      let elapsed = MonotonicClock.seconds(since: start)
      let tailCommits = min(100, count)
      let tailElapsed =
        count > 100 && writers == 1 ? MonotonicClock.seconds(since: lastHundredStart) : elapsed
      var opens: [Double] = []
      var opened = dataset
      for _ in 0..<openRepetitions {
        let openStart = MonotonicClock.now()
        opened = try Dataset.open(in: storage)
        opens.append(MonotonicClock.seconds(since: openStart) * 1000)
      }
      precondition(opened.version == UInt64(count), "opened version \(opened.version) of \(count)")
      let manifestBytes =
        (try? storage.size(
          of: StoragePath("_versions/\(String(format: "%020d", count)).manifest"))) ?? 0
      let result = TableBenchResult(
        versions: count, synchronousCommits: synchronous, rowsPerBatch: rowsPerBatch,
        writers: writers, commitsPerSecond: Double(count) / elapsed,
        lastHundredCommitsPerSecond: Double(tailCommits) / tailElapsed,
        openMilliseconds: opens.sorted()[opens.count / 2],
        latestManifestBytes: manifestBytes, liveRows: opened.liveRowCount)
      results.append(result)
      if !json { print(result.line) }
    }
    }
    if json {
      try BenchJSON.print(results)
    }
  }

  /// Appends `batches`, one commit each, from `writers` threads, each on its own copy of
  /// `dataset` (so they race for version numbers and rebase as separate processes would).
  private func appendConcurrently(_ batches: [RecordBatch], to dataset: Dataset) throws {
    let writers = self.writers
    try ConcurrentWorkers.run(writers) { writer in
      var own = dataset
      for index in stride(from: writer, to: batches.count, by: writers) {
        try own.append([batches[index]])
      }
    }
  }

  private func makeBatch(schema: Schema, first: Int) throws -> RecordBatch {
    let ids = (first..<(first + rowsPerBatch)).map { Int64($0) }
    let vectors = ids.flatMap { id in (0..<dimension).map { Float(id) + Float($0) / 16 } }
    return try RecordBatch(
      schema: schema, columns: [Column(ids), Column(vectors: vectors, dimension: dimension)])
  }
}

/// One version count of `quiver bench table`.
struct TableBenchResult: Codable {
  var versions: Int
  var synchronousCommits: Bool
  var rowsPerBatch: Int
  var writers: Int
  var commitsPerSecond: Double
  var lastHundredCommitsPerSecond: Double
  var openMilliseconds: Double
  var latestManifestBytes: Int
  var liveRows: Int

  enum CodingKeys: String, CodingKey {
    case versions
    case synchronousCommits = "synchronous_commits"
    case rowsPerBatch = "rows_per_batch"
    case writers
    case commitsPerSecond = "commits_per_second"
    case lastHundredCommitsPerSecond = "last_100_commits_per_second"
    case openMilliseconds = "open_milliseconds"
    case latestManifestBytes = "latest_manifest_bytes"
    case liveRows = "live_rows"
  }

  var line: String {
    String(
      format: "%@ writers %d versions %5d  commits/s %8.1f  (last 100: %8.1f)  open %7.3f ms  manifest %8d B  rows %d",
      synchronousCommits ? "fsync   " : "no-fsync", writers, versions, commitsPerSecond, lastHundredCommitsPerSecond, openMilliseconds,
      latestManifestBytes, liveRows)
  }
}
