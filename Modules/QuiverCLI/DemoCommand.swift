import ArgumentParser
import Foundation
import Quiver
import QuiverKernels
import QuiverStorage

/// `quiver demo`: the README's main job, end to end through the public API: a database, a table
/// of real (or generated) embeddings with scalar columns, an IVF_PQ and an IVF_HNSW_SQ index,
/// the seed example's queries with their results, and recall and timings against exact ground
/// truth.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run the end-to-end demonstration: create, index, search, measure.",
    discussion: """
      Uses the real embeddings of Fixtures/minilm-2k (2,000 × 384, 100 queries, exact ground \
      truth) when it finds them (run from the package folder, or pass --data), and generated \
      clustered vectors otherwise. The database goes into --path (kept) or a temporary folder \
      (removed).

      Example:
        swift run -c release quiver demo
        quiver demo --data ../shared/datasets/pkgdesc-minilm-10k --path /tmp/quiver-demo
      """)

  @Option(help: "A folder with base.fvecs, query.fvecs and groundtruth_l2.ivecs.")
  var data: String?

  @Option(help: "Keep the database in this folder (default: a temporary folder, removed).")
  var path: String?

  @Flag(help: "Use generated data even when Fixtures/minilm-2k is present.")
  var generated = false

  @Option(help: "Rows of generated data (when no data folder is found).")
  var rows = 20_000

  @Option(help: "Dimension of generated data.")
  var dimension = 128

  @Option(help: "Queries to measure recall and timings with.")
  var queries = 100

  func run() throws {
    try reportingErrors(of: "demo") {
      let totalStart = MonotonicClock.now()
      print("kernels: \(KernelISA.active.rawValue) (detected \(KernelISA.detected.rawValue))")
      let dataset = try DemoData.load(
        folder: generated ? nil : data, useFixtures: !generated, generatedRows: rows,
        generatedDimension: dimension, queryCount: queries)
      print("data: \(dataset.description)")

      let folder: URL
      if let path {
        folder = URL(fileURLWithPath: path)
      } else {
        folder = FileManager.default.temporaryDirectory
          .appendingPathComponent("quiver-demo-\(UUID().uuidString.prefix(8))")
      }
      defer { if path == nil { try? FileManager.default.removeItem(at: folder) } }

      // 1. A database and a table, as in the seed example.
      var step = MonotonicClock.now()
      let database = try Database(url: folder)
      let batch = try dataset.recordBatch()
      let table = try database.createTable("items", data: batch, mode: .overwrite)
      print(
        "created table 'items' in \(folder.path): \(batch.rowCount) rows "
          + "(item, price, category, vector) in " + Self.milliseconds(since: step))

      // 2. Two indexes: IVF_PQ for l2, IVF_HNSW_SQ for cosine.
      let partitions = max(1, Int(Double(batch.rowCount).squareRoot()) / 2)
      step = MonotonicClock.now()
      try table.createIndex(
        on: "vector",
        .ivfPQ(metric: .l2, numPartitions: partitions, numSubVectors: dataset.dimension / 8),
        name: "vector_ivf_pq")
      print(
        "built IVF_PQ (l2, \(partitions) partitions, \(dataset.dimension / 8) sub-vectors) in "
          + Self.milliseconds(since: step))
      step = MonotonicClock.now()
      var hnswBuilt = true
      do {
        try table.createIndex(
          on: "vector",
          .ivfHNSWSQ(
            metric: .cosine, numPartitions: max(1, partitions / 4), m: 20, efConstruction: 300),
          name: "vector_ivf_hnsw_sq")
        print(
          "built IVF_HNSW_SQ (cosine, \(max(1, partitions / 4)) partitions, m 20, ef_construction 300) in "
            + Self.milliseconds(since: step))
      } catch let error as QueryError where error.code == .unsupported {
        // Said plainly rather than hidden: this build's library cannot build it yet.
        hnswBuilt = false
        print("IVF_HNSW_SQ not built: \(error.message)")
      }

      // 3. The seed's queries.
      let query = dataset.queries[0]
      print("\nthe seed's query: table.search(q).limit(2).nprobes(20).refineFactor(10)")
      print(
        "  .where(\"price > 10 AND category IN ('a', 'b')\", prefilter: true).select([\"item\", \"price\", \"category\"])"
      )
      let filtered = table.search(query).metric(.l2).limit(2).nprobes(20).refineFactor(10)
        .where("price > 10 AND category IN ('a', 'b')", prefilter: true)
        .select(["item", "price", "category"])
      step = MonotonicClock.now()
      let hits = try filtered.execute()
      let elapsed = Self.milliseconds(since: step)
      print(try ResultPrinter.text(hits, source: "demo"))
      print("(\(hits.rowCount) rows in \(elapsed))")
      print("plan:")
      print(try filtered.explain().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

      print(
        "\nnearest 5 by cosine (\(hnswBuilt ? "IVF_HNSW_SQ" : "exact: no cosine index")): "
          + "table.search(q).metric(.cosine).limit(5)")
      let nearest = try table.search(query).metric(.cosine).limit(5).select(["item", "category"])
        .execute()
      print(try ResultPrinter.text(nearest, source: "demo"))

      // 4. Recall and timings against exact ground truth.
      print("\nrecall@10 and timings over \(dataset.queries.count) queries (one thread):")
      var report = TextTable(headings: ["search", "recall@10", "qps", "p50 ms", "p99 ms"])
      report.rightAligned = [1, 2, 3, 4]
      var settings: [(String, [[Int64]], (VectorSearch) -> VectorSearch)] = [
        ("exact scan (bypassVectorIndex)", dataset.groundTruth, { $0.bypassVectorIndex() }),
        (
          "IVF_PQ l2, nprobes 20, refine 10", dataset.groundTruth,
          { $0.metric(.l2).nprobes(20).refineFactor(10) }
        ),
        ("IVF_PQ l2, nprobes 20, no refine", dataset.groundTruth, { $0.metric(.l2).nprobes(20) }),
      ]
      if hnswBuilt {
        settings.append(
          (
            "IVF_HNSW_SQ cosine, nprobes 4, ef 64", dataset.cosineGroundTruth,
            { $0.metric(.cosine).nprobes(4).ef(64) }
          ))
      }
      for (name, truth, configure) in settings {
        var latencies: [Double] = []
        var found: [[Int64]] = []
        for vector in dataset.queries {
          let start = MonotonicClock.now()
          let result = try configure(table.search(vector)).limit(10).withRowId().select(["item"])
            .execute()
          latencies.append(MonotonicClock.seconds(since: start))
          let rowIDs = result["_rowid"]!
          found.append(
            (0..<rowIDs.count).map { Int64(RowID.offset(rowIDs.value(at: $0, as: UInt64.self)!)) })
        }
        let recall = RecallCounter.recall(found: found, truth: truth, k: 10)
        let latency = LatencySummary(seconds: latencies)
        report.append([
          name, String(format: "%.3f", recall),
          String(format: "%.0f", Double(latencies.count) / latencies.reduce(0, +)),
          String(format: "%.3f", latency.p50Milliseconds),
          String(format: "%.3f", latency.p99Milliseconds),
        ])
      }
      print(report.rendered())
      print(
        "\ndemo finished in " + String(format: "%.1f s", MonotonicClock.seconds(since: totalStart))
          + (path == nil ? " (temporary database removed)" : " (database kept in \(folder.path))"))
    }
  }

  static func milliseconds(since start: UInt64) -> String {
    String(format: "%.1f ms", MonotonicClock.seconds(since: start) * 1000)
  }
}
