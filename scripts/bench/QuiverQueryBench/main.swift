// End-to-end search benchmark through Quiver's public API (Database / Table / search builder):
// single-query latency p50/p99 and QPS with recall@10, batch throughput on both cores, and a
// 1%-selective prefilter, point for point like scripts/bench/lancedb_end_to_end.py.
//
// swift build -c release --product quiver-query-bench
// .build/release/quiver-query-bench DATASET_DIR [--queries N] [--types IVF_PQ,IVF_HNSW_SQ] [--json]
import Dispatch
import Foundation
import Quiver
import QuiverExchange

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

let arguments = Array(CommandLine.arguments.dropFirst())
guard let datasetPath = arguments.first else {
  FileHandle.standardError.write("usage: quiver-query-bench DATASET_DIR [--queries N] [--types T,T] [--json]\n".data(using: .utf8)!)
  exit(2)
}
func option(_ name: String) -> String? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  return arguments[index + 1]
}
let queryLimit = Int(option("--queries") ?? "1000")!
let types = (option("--types") ?? "IVF_PQ,IVF_HNSW_SQ").split(separator: ",").map(String.init)
let json = arguments.contains("--json")
let dataset = URL(fileURLWithPath: datasetPath)

let base = try VectorMatrix<Float>(fvecsAt: dataset.appendingPathComponent("base.fvecs").path)
let dimension = base.dimension
let rowCount = base.count
let baseFloats = base.values
let queryMatrix = try VectorMatrix<Float>(
  fvecsAt: dataset.appendingPathComponent("query.fvecs").path, limit: queryLimit)
let queries = (0..<queryMatrix.count).map { queryMatrix.row($0) }
let truthMatrix = try VectorMatrix<Int32>(
  ivecsAt: dataset.appendingPathComponent("groundtruth_l2.ivecs").path, limit: queryLimit)
let truth = (0..<truthMatrix.count).map { Set(truthMatrix.row($0).prefix(10).map { Int64($0) }) }

func log(_ text: String) { FileHandle.standardError.write((text + "\n").data(using: .utf8)!) }

// The table: id, a bucket column (id % 100, so "bucket = 7" passes 1% of rows), the vectors.
// --keep DIR keeps the database (and its indexes) in DIR and reuses them on the next run.
let kept = option("--keep")
let folder = kept.map { URL(fileURLWithPath: $0) }
  ?? FileManager.default.temporaryDirectory.appendingPathComponent("quiver-query-bench-\(UUID().uuidString)")
defer { if kept == nil { try? FileManager.default.removeItem(at: folder) } }
let db = try Database(url: folder)
var start = now()
let table: Table
if try db.tableNames().contains("bench") {
  table = try db.openTable("bench")
} else {
  let batch = try RecordBatch([
    ("id", Column((0..<rowCount).map { Int64($0) })),
    ("bucket", Column((0..<rowCount).map { Int32($0 % 100) })),
    ("vector", try Column(vectors: baseFloats, dimension: dimension)),
  ])
  table = try db.createTable("bench", data: batch)
  log("table write \(String(format: "%.2f", now() - start)) s, \(rowCount) rows")
}

struct Point: Encodable {
  var type: String
  var parameters: String
  var filter: String?
  var recall_at_10: Double
  var qps: Double
  var p50_ms: Double
  var p99_ms: Double
  var batch_qps: Double?
  var build_seconds: Double
  var min_rows_returned: Int
}

func measure(
  type: String, parameters: String, build: Double, filter: String? = nil, queryCount: Int? = nil,
  _ configure: (inout VectorQuery) -> Void
) throws -> Point {
  // A filter with "{i}" is instantiated per query (i = query number % 100), so that every
  // query of a 100-query window runs a different filter (no reuse of the prefilter cache).
  func search(_ vector: [Float], _ number: Int = 0) -> VectorSearch {
    var search = table.search(vector).limit(10).select(["id"])
    configure(&search.query)
    if let filter = search.query.filter {
      search.query.filter = filter.replacing("{i}", with: String(number % 100))
    }
    return search
  }
  let queries = Array(queries.prefix(queryCount ?? queries.count))
  // Warm-up.
  for query in queries.prefix(min(20, queries.count / 5)) { _ = try search(query).execute() }
  var latencies: [Double] = []
  var recallSum = 0.0
  var minimumRows = Int.max
  let wall = now()
  for (index, query) in queries.enumerated() {
    let begin = now()
    let result = try search(query, index).execute()
    latencies.append(now() - begin)
    let ids = result["id"]!.values(as: Int64.self)
    minimumRows = min(minimumRows, ids.count)
    recallSum += Double(ids.filter { truth[index].contains($0) }.count) / 10
  }
  let elapsed = now() - wall
  latencies.sort()
  var batchQPS: Double? = nil
  if filter == nil {
    var batchSearch = table.search(batch: queries).limit(10).select(["id"])
    let vector = batchSearch.query.vector
    configure(&batchSearch.query)
    batchSearch.query.vector = vector
    let batchStart = now()
    _ = try batchSearch.execute()
    batchQPS = Double(queries.count) / (now() - batchStart)
  }
  return Point(
    type: type, parameters: parameters, filter: filter,
    recall_at_10: filter == nil ? recallSum / Double(queries.count) : .nan,
    qps: Double(queries.count) / elapsed, p50_ms: latencies[latencies.count / 2] * 1000,
    p99_ms: latencies[min(latencies.count - 1, latencies.count * 99 / 100)] * 1000,
    batch_qps: batchQPS, build_seconds: build, min_rows_returned: minimumRows)
}

func report(_ point: Point) {
  if json {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    FileHandle.standardOutput.write(try! encoder.encode(point) + "\n".data(using: .utf8)!)
  } else {
    FileHandle.standardOutput.write((
      "\(point.type) \(point.parameters)\(point.filter.map { " where \($0)" } ?? ""): recall@10 \(String(format: "%.3f", point.recall_at_10)) "
        + "QPS \(String(format: "%.0f", point.qps)) p50 \(String(format: "%.3f", point.p50_ms)) ms p99 \(String(format: "%.3f", point.p99_ms)) ms"
        + (point.batch_qps.map { " batch QPS \(String(format: "%.0f", $0))" } ?? "")
        + " build \(String(format: "%.1f", point.build_seconds)) s, min rows \(point.min_rows_returned)\n").data(using: .utf8)!)
  }
}

for type in types {
  start = now()
  let indexName = "vector_\(type.lowercased())"
  if table.indices.contains(where: { $0.name == indexName }) {
    log("\(type): reusing the kept index")
  } else {
  switch type {
  case "IVF_PQ":
    try table.createIndex(on: "vector", .ivfPQ(metric: .l2, numPartitions: 256, numSubVectors: 96), name: indexName)
  case "IVF_HNSW_SQ":
    try table.createIndex(on: "vector", .ivfHNSWSQ(metric: .l2, m: 20, efConstruction: 300), name: indexName)
  case "IVF_FLAT":
    try table.createIndex(on: "vector", .ivfFlat(metric: .l2, numPartitions: 256), name: indexName)
  default:
    fatalError("unknown type \(type)")
  }
  }
  // Only this type's index stays, so that the planner uses it.
  for other in table.indices where other.name != indexName { try table.dropIndex(named: other.name) }
  let build = now() - start
  log("\(type) build \(String(format: "%.1f", build)) s")
  if type == "IVF_HNSW_SQ" {
    for ef in [16, 32, 64, 128] {
      for refine in [nil, 5] as [Int?] {
        let parameters = "ef=\(ef)" + (refine.map { " refine_factor=\($0)" } ?? "")
        report(try measure(type: type, parameters: parameters, build: build) {
          $0.ef = ef
          $0.refineFactor = refine
        })
      }
    }
    for filter in ["bucket = 7", "bucket = {i}"] {
      report(try measure(type: type, parameters: "ef=64 refine_factor=5", build: build, filter: filter) {
        $0.ef = 64
        $0.refineFactor = 5
        $0.filter = filter
      })
    }
  } else {
    for nprobes in [16, 32, 64, 128] {
      for refine in [5, 10] {
        report(try measure(type: type, parameters: "nprobes=\(nprobes) refine_factor=\(refine)", build: build) {
          $0.nprobes = nprobes
          $0.refineFactor = refine
        })
      }
    }
    for filter in ["bucket = 7", "bucket = {i}"] {
      report(try measure(type: type, parameters: "nprobes=64 refine_factor=5", build: build, filter: filter) {
        $0.nprobes = 64
        $0.refineFactor = 5
        $0.filter = filter
      })
    }
  }
}
report(try measure(type: "exact", parameters: "bypassVectorIndex", build: 0, queryCount: 50) {
  $0.bypassVectorIndex = true
})
