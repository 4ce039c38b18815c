import ArgumentParser
import Foundation
import Quiver
import QuiverTable

/// `quiver bench TABLE --queries Q --ground-truth GT`: recall@k, queries per second (one thread
/// and all cores) and p50/p99 latency of searches through the public `Table.search` API, exactly
/// as a user's program would search, for each setting of a sweep.
struct BenchSearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract:
      "Benchmark searches of a table: recall, QPS, latency (the default of `quiver bench`).",
    discussion: """
      Ground-truth ids (an .ivecs or int32 .npy file, nearest first) are row positions in \
      insertion order (the order of the file the table was converted from), or values of \
      --id-column. With --where, the ground truth must be that of the rows the filter keeps. \
      Run a release build: swift build -c release --product quiver.

      Output: a table, --csv, or --json (an array of objects with the keys of `quiver bench \
      index`: type, metric, nprobes, ef, refine_factor, recall_at_10, qps, p50_ms, p99_ms, \
      build_seconds, index_bytes, peak_memory_bytes; plus qps_all_cores, threads, limit, k, \
      recall_at_k, queries, filter, qps_batch: one `search(batch:)` call with every query; \
      open_ms, first_query_ms: opening the table and its first query, before anything else \
      reads it (on an s3:// table with an empty QUIVER_S3_CACHE_DIR, a cold query), with \
      open_requests, first_query_requests: the requests each sent, by kind: GET, HEAD, LIST, …).

      Examples:
        quiver bench db/base.quiver --queries query.fvecs --ground-truth groundtruth_l2.ivecs \\
          --nprobes 20 --refine-factor 10 --sweep nprobes=5,10,20,40
        quiver bench db/base.quiver --queries query.fvecs --ground-truth gt.ivecs --sweep ef=16,32,64 --json
      """)

  @Argument(help: "The table: \(TablePath.help).")
  var table: String

  @Option(help: "The query vectors (.fvecs, .npy, …).")
  var queries: String

  @Option(help: "Exact nearest ids per query (.ivecs or int32 .npy), nearest first.")
  var groundTruth: String

  @Option(help: "Values of this column are the ids of the ground truth (default: row position).")
  var idColumn: String?

  @Option(help: "Use at most this many queries.")
  var maxQueries: Int?

  @Option(help: "Threads of the all-cores run (default: every core).")
  var threads: Int?

  @Option(help: "Vary one parameter: nprobes=5,10,20 or ef=… or refine-factor=….")
  var sweep: SearchSweep?

  @Flag(help: "Print CSV instead of a table.")
  var csv = false

  @OptionGroup var searchOptions: SearchOptions

  @OptionGroup var outputOptions: OutputOptions

  func validate() throws {
    if let threads, threads <= 0 { throw ValidationError("--threads must be positive") }
    if let maxQueries, maxQueries <= 0 { throw ValidationError("--max-queries must be positive") }
    if csv && outputOptions.json { throw ValidationError("choose one of --csv and --json") }
  }

  func run() throws {
    try reportingErrors(of: "bench") {
      let openStart = MonotonicClock.now()
      let table = try QuiverTables.open(self.table)
      let openSeconds = MonotonicClock.seconds(since: openStart)
      let openRequests = ObjectStoreTables.requestsSent
      let queryVectors = try QueryVectors.read(queries, column: nil, limit: maxQueries)
      guard !queryVectors.isEmpty else { throw CLIError(.badData, "\(queries): no query vectors") }
      let truth = try GroundTruth.read(groundTruth, count: queryVectors.count)
      let k = searchOptions.limit
      if let short = truth.firstIndex(where: { $0.count < k }) {
        throw CLIError(
          .badData,
          "\(groundTruth): record \(short) has \(truth[short].count) ids, fewer than --limit \(k)")
      }
      let identities = try RowIdentities(table: self.table, idColumn: idColumn)
      let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
      let dataset = try TableAccess.open(self.table)
      let column = try searchOptions.column ?? RowIdentities.onlyVectorColumn(dataset)
      // The index the planner can use: on this column and, when a metric is given, trained for it.
      let index = dataset.indices.last {
        $0.column == column && (searchOptions.metric.map { $0.rawValue } ?? $0.metric) == $0.metric
      }
      // Project one cheap column: what a user's search that needs ids would read. (An empty
      // projection with `withRowId()` is what we want, but the library rejects it today.)
      let fields = try dataset.schema().fields
      let projection = [idColumn ?? fields.first { !$0.type.isVector }?.name ?? column]

      var settings: [SearchOptions] = []
      if let sweep {
        for value in sweep.values {
          var options = searchOptions
          switch sweep.parameter {
          case .nprobes: options.nprobes = value
          case .ef: options.ef = value
          case .refineFactor: options.refineFactor = value
          }
          settings.append(options)
        }
      } else {
        settings = [searchOptions]
      }
      // The first query after opening, before anything else reads the index or data files: on
      // an s3:// table with an empty cache folder (QUIVER_S3_CACHE_DIR), a cold query.
      let requestsBeforeFirst = ObjectStoreTables.requestsSent
      let firstStart = MonotonicClock.now()
      _ = try settings[0].apply(table.search(queryVectors[0])).select(projection).withRowId()
        .execute()
      let firstSeconds = MonotonicClock.seconds(since: firstStart)
      let firstRequests = ObjectStoreTables.requestsSent.merging(
        requestsBeforeFirst, uniquingKeysWith: -
      ).filter { $0.value != 0 }
      let indexBytes = index.map { IndexReport(entry: $0, dataset: dataset).bytes }

      var rows: [JSONValue] = []
      var text = TextTable(
        headings: [
          "nprobes", "ef", "refine", "recall@\(k)", "qps 1 thread", "qps \(threadCount) threads",
          "qps batch", "p50 ms", "p99 ms",
        ])
      text.rightAligned = Set(0..<9)
      for options in settings {
        let progress = ProgressReporter(
          "bench", total: Int64(queryVectors.count), unit: .items("queries"),
          quiet: outputOptions.quiet)
        // Warm up: open the indexes and touch their partitions.
        for query in queryVectors.prefix(10) {
          _ = try options.apply(table.search(query)).select(projection).withRowId().execute()
        }
        var latencies: [Double] = []
        var found: [[Int64]] = []
        latencies.reserveCapacity(queryVectors.count)
        let singleStart = MonotonicClock.now()
        for (position, query) in queryVectors.enumerated() {
          let start = MonotonicClock.now()
          let result = try options.apply(table.search(query)).select(projection).withRowId()
            .execute()
          latencies.append(MonotonicClock.seconds(since: start))
          found.append(try identities.ids(of: result))
          progress.update(Int64(position + 1))
        }
        let singleSeconds = MonotonicClock.seconds(since: singleStart)
        progress.finish()
        let allCoresSeconds = try Self.runConcurrently(
          queryVectors, threads: threadCount
        ) { query in
          _ = try options.apply(table.search(query)).select(projection).withRowId().execute()
        }
        // One batch call with every query (`table.search(batch:)`, every core).
        let batchStart = MonotonicClock.now()
        _ = try options.apply(table.search(batch: queryVectors)).select(projection).withRowId()
          .execute()
        let batchSeconds = MonotonicClock.seconds(since: batchStart)
        let latency = LatencySummary(seconds: latencies)
        let recall = RecallCounter.recall(found: found, truth: truth, k: k)
        let recallAt10 = k >= 10 ? RecallCounter.recall(found: found, truth: truth, k: 10) : nil
        let qps = Double(queryVectors.count) / singleSeconds
        let qpsAll = Double(queryVectors.count) / allCoresSeconds
        let qpsBatch = Double(queryVectors.count) / batchSeconds
        let shared = SearchBenchMembers.shared(
          type: options.bypassIndex ? "none" : index?.indexType ?? "none",
          metric: options.metric?.rawValue ?? index?.metric ?? "l2", nprobes: options.nprobes,
          ef: options.ef, refineFactor: options.refineFactor, recallAt10: recallAt10, qps: qps,
          latency: latency, buildSeconds: nil, indexBytes: indexBytes,
          peakMemoryBytes: PeakMemory.bytes())
        rows.append(
          .object(
            shared + [
              ("qps_all_cores", .number(qpsAll)), ("qps_batch", .number(qpsBatch)),
              ("threads", .int(threadCount)), ("limit", .int(k)), ("k", .int(k)),
              ("recall_at_k", .number(recall)), ("queries", .int(queryVectors.count)),
              ("filter", options.filter.map(JSONValue.string) ?? .null),
              ("bypass_index", .bool(options.bypassIndex)),
              ("open_ms", .number(openSeconds * 1000)),
              ("open_requests", Self.counts(openRequests)),
              ("first_query_ms", .number(firstSeconds * 1000)),
              ("first_query_requests", Self.counts(firstRequests)),
            ]))
        text.append([
          options.nprobes.map(String.init) ?? "-", options.ef.map(String.init) ?? "-",
          options.refineFactor.map(String.init) ?? "-", String(format: "%.4f", recall),
          String(format: "%.0f", qps), String(format: "%.0f", qpsAll),
          String(format: "%.0f", qpsBatch),
          String(format: "%.3f", latency.p50Milliseconds),
          String(format: "%.3f", latency.p99Milliseconds),
        ])
      }
      if outputOptions.json {
        print(JSONValue.array(rows).serialized())
      } else if csv {
        let keys = [
          "type", "metric", "nprobes", "ef", "refine_factor", "recall_at_10", "recall_at_k", "k",
          "qps", "qps_all_cores", "qps_batch", "threads", "p50_ms", "p99_ms", "index_bytes", "peak_memory_bytes",
          "queries",
        ]
        print(keys.joined(separator: ","))
        for row in rows {
          guard case .object(let members) = row else { continue }
          let values = Dictionary(members, uniquingKeysWith: { first, _ in first })
          print(keys.map { key in values[key].map(Self.csvCell) ?? "" }.joined(separator: ","))
        }
      } else {
        let name = index.map { "\($0.indexType) (\($0.metric))" } ?? "no index (exact scans)"
        print(
          "\(self.table): \(name), \(queryVectors.count) queries, limit \(k)"
            + (searchOptions.filter.map { ", where \($0)" } ?? ""))
        print(
          "opened in \(String(format: "%.1f", openSeconds * 1000)) ms\(Self.requestText(openRequests))"
            + ", first query \(String(format: "%.1f", firstSeconds * 1000)) ms"
            + Self.requestText(firstRequests))
        print(text.rendered())
      }
    }
  }

  /// Request counts by kind as a JSON object.
  private static func counts(_ requests: [String: Int]) -> JSONValue {
    .object(requests.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) })
  }

  /// ` (12 requests: GET 10, HEAD 2)`, or nothing for none (a local table).
  private static func requestText(_ requests: [String: Int]) -> String {
    guard !requests.isEmpty else { return "" }
    let kinds = requests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
    return " (\(requests.values.reduce(0, +)) requests: \(kinds.joined(separator: ", ")))"
  }

  private static func csvCell(_ value: JSONValue) -> String {
    switch value {
    case .null: return ""
    case .string(let text): return CSVWriter.quoted(text, forceQuotes: false)
    default: return value.serialized(indent: 0)
    }
  }

  /// Runs `body` for every query on `threads` threads (queries dealt round-robin); the wall time
  /// in seconds.
  static func runConcurrently(
    _ queries: [[Float]], threads: Int, _ body: @Sendable ([Float]) throws -> Void
  ) throws -> Double {
    let start = MonotonicClock.now()
    try ConcurrentWorkers.run(threads) { worker in
      for position in stride(from: worker, to: queries.count, by: threads) {
        try body(queries[position])
      }
    }
    return MonotonicClock.seconds(since: start)
  }
}
