import Foundation
import QuiverKernels
import QuiverTestSupport
import Testing

/// `quiver index`, `quiver search` and `quiver bench` end to end on a small generated table,
/// checked against brute force computed here.
@Suite struct SearchIndexBenchTests {
  static let rows = 400
  static let dimension = 8

  /// A table `items.quiver` of `rows` seeded vectors with `id` and `category` columns, built
  /// from a JSON Lines file; returns the table path and the vectors.
  func makeTable(in scratch: ScratchFolder) throws -> (String, [[Float]]) {
    var random = SeededGenerator(seed: 7)
    var vectors: [[Float]] = []
    var text = ""
    for row in 0..<Self.rows {
      let vector = random.floats(Self.dimension)
      vectors.append(vector)
      let category = ["a", "b", "c", "d"][row % 4]
      text +=
        "{\"id\": \(row), \"category\": \"\(category)\", \"vector\": [\(vector.map { "\($0)" }.joined(separator: ", "))]}\n"
    }
    let input = try scratch.write("items.jsonl", text: text)
    let table = scratch.path("items.quiver")
    let result = try runQuiver(["convert", input, table])
    #expect(result.status == 0, "\(result.standardError)")
    return (table, vectors)
  }

  /// Exact l2 neighbours (ids) of `query`, nearest first (ties by id).
  func bruteForce(
    _ query: [Float], _ vectors: [[Float]], k: Int, where keep: (Int) -> Bool = { _ in true }
  ) -> [Int] {
    let scored = vectors.enumerated().filter { keep($0.offset) }.map { row, vector in
      (row, zip(query, vector).reduce(Double(0)) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) })
    }
    return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(k).map(\.0)
  }

  func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
  }

  func ids(_ results: Any) throws -> [Int] {
    let rows = try #require(results as? [[String: Any]])
    return rows.compactMap { $0["id"] as? Int }
  }

  @Test func exactSearchMatchesBruteForceAndFiltersHold() throws {
    let scratch = try ScratchFolder()
    let (table, vectors) = try makeTable(in: scratch)
    var random = SeededGenerator(seed: 99)
    let query = random.floats(Self.dimension)
    let vectorText = query.map { "\($0)" }.joined(separator: ",")
    let result = try runQuiver([
      "search", table, "--vector", vectorText, "--limit", "7", "--bypass-index", "--json",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let entries = try #require(try json(result.standardOutput) as? [[String: Any]])
    #expect(entries.count == 1)
    #expect(entries.first?["query"] as? Int == 0)
    #expect(try ids(entries.first?["results"] as Any) == bruteForce(query, vectors, k: 7))

    let filtered = try runQuiver([
      "search", table, "--vector", vectorText, "--limit", "5", "--where",
      "category IN ('a', 'c') AND id > 100",
      "--select", "id,category", "--json",
    ])
    #expect(filtered.status == 0, "\(filtered.standardError)")
    let filteredEntries = try #require(try json(filtered.standardOutput) as? [[String: Any]])
    let rows = try #require(filteredEntries.first?["results"] as? [[String: Any]])
    #expect(rows.count == 5)
    #expect(rows.allSatisfy { Set($0.keys) == ["id", "category", "_distance"] })
    #expect(
      try ids(rows) == bruteForce(query, vectors, k: 5) { $0 > 100 && ($0 % 4 == 0 || $0 % 4 == 2) }
    )

    let text = try runQuiver([
      "search", table, "--vector", vectorText, "--limit", "3", "--select", "id",
    ])
    #expect(text.status == 0)
    #expect(text.standardOutput.contains("_distance"))
    #expect(text.standardOutput.contains("(3 rows in"))
  }

  @Test func indexThenSearchAndBench() throws {
    let scratch = try ScratchFolder()
    let (table, vectors) = try makeTable(in: scratch)
    let built = try runQuiver([
      "index", table, "--type", "IVF_FLAT", "--metric", "l2", "--num-partitions", "8", "--json",
    ])
    #expect(built.status == 0, "\(built.standardError)")
    let report = try #require(try json(built.standardOutput) as? [String: Any])
    let index = try #require(report["index"] as? [String: Any])
    #expect(index["type"] as? String == "IVF_FLAT")
    #expect(index["metric"] as? String == "l2")

    let inspect = try #require(
      try json(try runQuiver(["inspect", table, "--json"]).standardOutput) as? [String: Any])
    let indexes = try #require(inspect["indexes"] as? [[String: Any]])
    #expect(indexes.count == 1)
    let histogram = try #require(indexes[0]["partition_sizes"] as? [String: Any])
    #expect(histogram["count"] as? Int == 8)

    // Queries and their exact ground truth, written as .fvecs / .ivecs.
    var random = SeededGenerator(seed: 5)
    var queryBytes: [UInt8] = []
    var truthBytes: [UInt8] = []
    var expectedTruth: [[Int]] = []
    func append<T>(_ value: T, to bytes: inout [UInt8]) {
      withUnsafeBytes(of: value) { bytes += $0 }
    }
    for _ in 0..<20 {
      let query = random.floats(Self.dimension)
      append(Int32(Self.dimension), to: &queryBytes)
      for value in query { append(value, to: &queryBytes) }
      let truth = bruteForce(query, vectors, k: 10)
      expectedTruth.append(truth)
      append(Int32(10), to: &truthBytes)
      for id in truth { append(Int32(id), to: &truthBytes) }
    }
    let queries = try scratch.write("queries.fvecs", queryBytes)
    let truth = try scratch.write("truth.ivecs", truthBytes)

    // Many queries from a file: one entry each, the exact neighbours when every partition is
    // probed.
    let many = try runQuiver([
      "search", table, "--query-file", queries, "--max-queries", "3", "--nprobes", "8", "--select",
      "id",
      "--json",
    ])
    #expect(many.status == 0, "\(many.standardError)")
    let entries = try #require(try json(many.standardOutput) as? [[String: Any]])
    #expect(entries.count == 3)
    #expect(entries.map { $0["query"] as? Int } == [0, 1, 2])
    #expect(try ids(entries[2]["results"] as Any) == expectedTruth[2])

    // Probing every partition of an IVF_FLAT index is exact: recall 1.
    let bench = try runQuiver([
      "bench", table, "--queries", queries, "--ground-truth", truth, "--sweep", "nprobes=1,8",
      "--threads", "2", "--json",
    ])
    #expect(bench.status == 0, "\(bench.standardError)")
    let points = try #require(try json(bench.standardOutput) as? [[String: Any]])
    #expect(points.count == 2)
    for key in [
      "type", "metric", "nprobes", "ef", "refine_factor", "recall_at_10", "qps", "p50_ms", "p99_ms",
      "build_seconds", "index_bytes", "peak_memory_bytes", "open_ms", "first_query_ms",
    ] {
      #expect(points.allSatisfy { $0.keys.contains(key) }, "key \(key)")
    }
    // A local table sends no requests to an object store, when opened or on its first query.
    #expect(points[0]["open_requests"] as? [String: Int] == [:])
    #expect(points[0]["first_query_requests"] as? [String: Int] == [:])
    #expect((points[0]["first_query_ms"] as? Double ?? -1) > 0)
    #expect(points[0]["type"] as? String == "IVF_FLAT")
    #expect(points[1]["nprobes"] as? Int == 8)
    #expect(points[1]["recall_at_10"] as? Double == 1.0)
    #expect((points[0]["recall_at_10"] as? Double ?? 1) < 1.0)

    let csv = try runQuiver([
      "bench", "search", table, "--queries", queries, "--ground-truth", truth, "--nprobes", "8",
      "--csv",
    ])
    #expect(csv.status == 0, "\(csv.standardError)")
    let lines = csv.standardOutput.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines[0].hasPrefix("type,metric,nprobes,ef,refine_factor,recall_at_10"))
  }

  @Test func graphIndexesAreInspected() throws {
    let scratch = try ScratchFolder()
    let (table, vectors) = try makeTable(in: scratch)
    let hnsw = try runQuiver([
      "index", table, "--type", "HNSW", "--metric", "l2", "--m", "6", "--ef-construction", "24",
      "--name", "graph",
    ])
    #expect(hnsw.status == 0, "\(hnsw.standardError)")
    let ivf = try runQuiver([
      "index", table, "--type", "IVF_HNSW_SQ", "--metric", "cosine", "--num-partitions", "3", "--m",
      "6",
      "--ef-construction", "24", "--name", "ivf_graph",
    ])
    #expect(ivf.status == 0, "\(ivf.standardError)")
    let inspect = try runQuiver(["inspect", table, "--verify", "--json"])
    #expect(inspect.status == 0, "\(inspect.standardError)")
    let object = try #require(try json(inspect.standardOutput) as? [String: Any])
    let indexes = try #require(object["indexes"] as? [[String: Any]])
    let graph = try #require(
      indexes.first { $0["name"] as? String == "graph" }?["hnsw"] as? [String: Any])
    #expect(graph["nodes"] as? Int == vectors.count)
    #expect((graph["nodes_per_level"] as? [Int])?.reduce(0, +) == vectors.count)
    let degrees = try #require(graph["layer0_degree"] as? [String: Any])
    #expect((degrees["max"] as? Int ?? 99) <= 12)
    #expect((degrees["min"] as? Int ?? 0) >= 1)
    let partitioned = try #require(indexes.first { $0["name"] as? String == "ivf_graph" })
    #expect(partitioned["hnsw_partitions"] as? Int == 3)
    #expect(partitioned["type"] as? String == "IVF_HNSW_SQ")
  }

  @Test func badSearchAndIndexInput() throws {
    let scratch = try ScratchFolder()
    let (table, _) = try makeTable(in: scratch)
    let wrongDimension = try runQuiver(["search", table, "--vector", "1,2,3"])
    #expect(wrongDimension.status != 0)
    #expect(wrongDimension.standardError.contains("dimension"))
    let notNumber = try runQuiver(["search", table, "--vector", "1,x,3"])
    expectOneLineFailure(notNumber, status: 64, mentions: ["element 1 'x'"])
    let badFilter = try runQuiver([
      "search", table, "--vector", "1,2,3,4,5,6,7,8", "--where", "nope > 1",
    ])
    #expect(badFilter.status != 0)
    #expect(badFilter.standardError.contains("nope"))
    let badType = try runQuiver(["index", table, "--type", "BTREE"])
    #expect(badType.status == 64)
    #expect(badType.standardError.contains("unknown index type 'BTREE'"))
    let badParameter = try runQuiver(["index", table, "--type", "IVF_PQ", "--num-sub-vectors", "3"])
    #expect(badParameter.status == 1)
    #expect(badParameter.standardError.contains("3"))
    let noTable = try runQuiver(["search", scratch.path("none.quiver"), "--vector", "1"])
    expectOneLineFailure(noTable, status: 66, mentions: ["none.quiver", "no table"])
  }
}
