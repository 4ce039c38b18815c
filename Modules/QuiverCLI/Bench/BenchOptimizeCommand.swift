import ArgumentParser
import Foundation
import Quiver
import QuiverExchange

/// `quiver bench optimize`: the cost of keeping an index up to date. A table holds the first
/// `--indexed-fraction` of a dataset's rows and an index on them; the remaining rows are
/// appended and `Table.optimize()` adds them to the index; then the index is rebuilt from
/// scratch on every row with the same parameters. Reports both times and recall@10 after each.
struct BenchOptimizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optimize",
    abstract: "Benchmark Table.optimize() after an append against a full index rebuild.",
    discussion: """
      With --compact-half, the indexed rows' first half is loaded as fragments of 1,000 rows \
      and the second half as five large fragments, and optimize compacts with a target of \
      5,000 rows: it rewrites the small fragments (half the rows), remaps the index through the \
      row-id map, then adds the appended rows.

      Example:
        quiver bench optimize --dataset ../shared/datasets/pkgdesc-minilm --type IVF_PQ \\
          --num-partitions 316 --num-sub-vectors 48 --nprobes 50 --refine-factor 10
      """)

  @Option(help: "Dataset folder with base.fvecs, query.fvecs and groundtruth_l2.ivecs.")
  var dataset: String

  @Option(help: "The index type.", transform: OptionValue.indexType)
  var type: IndexType

  @OptionGroup var indexParameters: IndexParameterOptions

  @Option(help: "Fraction of the rows indexed before the append.")
  var indexedFraction = 0.9

  @Option(help: "Partitions probed by each search.")
  var nprobes = 20

  @Option(help: "Graph search width (graph indexes).")
  var ef = 64

  @Option(help: "Refine factor of each search.")
  var refineFactor = 10

  @Flag(help: "Also compact half the rows before updating the index (see the discussion).")
  var compactHalf = false

  @OptionGroup var outputOptions: OutputOptions

  func validate() throws {
    guard indexedFraction > 0, indexedFraction < 1 else {
      throw ValidationError("--indexed-fraction must be between 0 and 1")
    }
  }

  func run() throws {
    try reportingErrors(of: "bench optimize") {
      let folder = URL(fileURLWithPath: dataset)
      let base = try VectorMatrix<Float>(fvecsAt: folder.appendingPathComponent("base.fvecs").path)
      let queries = try VectorMatrix<Float>(fvecsAt: 
        folder.appendingPathComponent("query.fvecs").path)
      let truth = try GroundTruth.read(
        folder.appendingPathComponent("groundtruth_l2.ivecs").path, count: queries.count)
      let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("quiver-bench-optimize-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: scratch) }
      let table = try load(base, into: try Database(url: scratch))
      let config = indexParameters.config(type, metric: .l2)

      let indexed = Int(Double(base.count) * indexedFraction)
      var clock = MonotonicClock.now()
      try table.createIndex(on: "vector", config)
      let initialBuild = MonotonicClock.seconds(since: clock)
      try table.add(try batch(base, rows: indexed..<base.count))
      let phases = PhaseClock()
      clock = MonotonicClock.now()
      let report = try table.optimize(
        OptimizeOptions(
          compaction: compactHalf ? CompactionOptions(targetRowsPerFragment: 5_000) : nil,
          removeVersionsOlderThan: nil),
        progress: phases.handler)
      let optimizeSeconds = MonotonicClock.seconds(since: clock)
      let plan = try table.search(queries.row(0)).limit(10).explain()
      let optimizedRecall = try recall(table, queries: queries, truth: truth)
      clock = MonotonicClock.now()
      try table.createIndex(on: "vector", config)
      let rebuildSeconds = MonotonicClock.seconds(since: clock)
      let rebuiltRecall = try recall(table, queries: queries, truth: truth)

      let update = report.indexes.first
      let values: [(String, JSONValue)] = [
        ("type", .string(type.rawValue)), ("rows", .int(base.count)),
        ("indexed_rows", .int(indexed)), ("compacted_fragments",
          .int(report.compaction?.removedFragmentIDs.count ?? 0)),
        ("remapped_rows", .int(update?.remappedRows ?? 0)),
        ("added_rows", .int(update?.addedRows ?? 0)),
        ("initial_build_seconds", .number(initialBuild)),
        ("optimize_seconds", .number(optimizeSeconds)),
        ("rebuild_seconds", .number(rebuildSeconds)),
        ("optimize_over_rebuild", .number(optimizeSeconds / rebuildSeconds)),
        ("optimize_phase_seconds", .object(phases.seconds.map { ($0.rawValue, .number($1)) })),
        ("exact_scan_after_optimize", .bool(plan.contains("ExactScan"))),
        ("recall_at_10_optimized", .number(optimizedRecall)),
        ("recall_at_10_rebuilt", .number(rebuiltRecall)),
        ("nprobes", .int(nprobes)), ("ef", .int(ef)), ("refine_factor", .int(refineFactor)),
      ]
      if outputOptions.json {
        print(JSONValue.object(values).serialized())
      } else {
        for (key, value) in values { print("\(key): \(value.serialized(indent: 0))") }
      }
    }
  }

  /// The table of the first `indexedFraction` rows (with `--compact-half`, half of them as
  /// fragments of 1,000 rows, the rest as five fragments).
  private func load(_ base: VectorMatrix<Float>, into database: Database) throws -> Table {
    let indexed = Int(Double(base.count) * indexedFraction)
    guard compactHalf else {
      return try database.createTable("bench", data: try batch(base, rows: 0..<indexed))
    }
    let half = indexed / 2
    let table = try database.createTable("bench", data: try batch(base, rows: 0..<min(1_000, half)))
    for start in stride(from: 1_000, to: half, by: 1_000) {
      try table.add(try batch(base, rows: start..<min(start + 1_000, half)))
    }
    let large = (indexed - half + 4) / 5
    for start in stride(from: half, to: indexed, by: large) {
      try table.add(try batch(base, rows: start..<min(start + large, indexed)))
    }
    return table
  }

  /// Rows `rows` of `base` with their position as `id`.
  private func batch(_ base: VectorMatrix<Float>, rows: Range<Int>) throws -> RecordBatch {
    let flat = Array(
      base.values[(rows.lowerBound * base.dimension)..<(rows.upperBound * base.dimension)])
    return try RecordBatch([
      (name: "id", column: Column(rows.map { Int64($0) })),
      (name: "vector", column: try Column(vectors: flat, dimension: base.dimension)),
    ])
  }

  /// Recall@10 of the table's searches with this command's settings.
  private func recall(_ table: Table, queries: VectorMatrix<Float>, truth: [[Int64]]) throws
    -> Double
  {
    var found: [[Int64]] = []
    for query in 0..<queries.count {
      let hits = try table.search(queries.row(query)).limit(10).nprobes(nprobes).ef(ef)
        .refineFactor(refineFactor).select(["id"]).execute()
      found.append(hits["id"]?.values(as: Int64.self) ?? [])
    }
    return RecallCounter.recall(found: found, truth: truth, k: 10)
  }
}

/// Seconds spent in each phase of one progress-reporting operation: a phase's time runs from
/// its first report to the first report of the next phase (phases that come back add up).
///
/// `@unchecked Sendable`: the mutable state is touched only while holding `lock`.
private final class PhaseClock: @unchecked Sendable {
  private let lock = NSLock()
  private let origin = MonotonicClock.now()
  private var current: (phase: IndexBuildProgress.Phase, since: Double)?
  private var totals: [(IndexBuildProgress.Phase, Double)] = []

  /// The handler to pass to the operation.
  var handler: IndexBuildProgressHandler { { [self] progress in self.record(progress) } }

  /// Each phase seen, in order of first appearance, with its seconds (the last phase up to its
  /// last report).
  var seconds: [(IndexBuildProgress.Phase, Double)] { lock.withLock { totals } }

  private func record(_ progress: IndexBuildProgress) {
    let now = MonotonicClock.seconds(since: origin)
    lock.withLock {
      if let current {
        add(now - current.since, to: current.phase)
      }
      current = (progress.phase, now)
    }
  }

  private func add(_ seconds: Double, to phase: IndexBuildProgress.Phase) {
    if let index = totals.firstIndex(where: { $0.0 == phase }) {
      totals[index].1 += seconds
    } else {
      totals.append((phase, seconds))
    }
  }
}
