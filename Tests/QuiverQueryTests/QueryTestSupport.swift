import QuiverFormat
import QuiverIndex
import QuiverKernels
import QuiverQuery
import QuiverStorage
import QuiverTestSupport

/// A small table: `fragments` fragments of `rows` rows, 16-d vectors and scalar columns.
func makeQueryTestSource(fragments: Int = 3, rows: Int = 300, dimension: Int = 16, seed: UInt64 = 1)
  throws -> InMemoryDataSource
{
  var generator = SeededGenerator(seed: seed)
  var batches: [RecordBatch] = []
  let categories = ["a", "b", "c", "d"]
  for fragment in 0..<fragments {
    var vectors: [[Float]] = []
    var ids: [Int64] = []
    var price: [Double?] = []
    var category: [String?] = []
    for row in 0..<rows {
      vectors.append(generator.floats(dimension))
      ids.append(Int64(fragment * rows + row))
      price.append(row % 11 == 0 ? nil : Double(Int.random(in: 0..<1000, using: &generator)))
      category.append(row % 13 == 0 ? nil : categories.randomElement(using: &generator)!)
    }
    batches.append(
      try RecordBatch([
        ("id", Column(ids)), ("price", Column(price)), ("category", Column(category)),
        ("vector", try Column(vectors: vectors, dimension: dimension)),
      ]))
  }
  return InMemoryDataSource(schema: batches[0].schema, fragments: batches)
}

/// An IVF-style test index over some fragments: rows assigned to the nearest of a few centroids,
/// searches probe the `nprobes` nearest partitions. With `approximate`, returned distances are
/// perturbed deterministically (as quantized codes would be), so refine matters.
struct TestIVFIndex: QueryVectorIndex {
  let name = "test_ivf"
  var typeName: String { approximate ? "TEST_IVF_APPROX" : "TEST_IVF_FLAT" }
  let column = "vector"
  let metric: DistanceMetric
  let fragmentIds: Set<UInt32>
  var indexedFragmentIds: Set<UInt32>? { fragmentIds }
  let approximate: Bool
  let centroids: [[Float]]
  let partitions: [[(id: UInt64, vector: [Float])]]
  var partitionCount: Int { centroids.count }
  var usesGraph: Bool { false }
  var returnsExactDistances: Bool { !approximate }

  init(
    source: InMemoryDataSource, fragments: [UInt32], metric: DistanceMetric, partitions: Int,
    approximate: Bool
  ) throws {
    self.metric = metric
    self.approximate = approximate
    fragmentIds = Set(fragments)
    var rows: [(UInt64, [Float])] = []
    for fragment in source.fragments where fragmentIds.contains(fragment.id) {
      try source.scan(fragment, columns: ["vector"]) { first, batch in
        for row in 0..<batch.rowCount {
          rows.append((fragment.rowId(first + row), batch.columns[0].vector(at: row)!))
        }
      }
    }
    let chosen = stride(from: 0, to: rows.count, by: max(1, rows.count / partitions))
      .prefix(partitions).map { rows[$0].1 }
    var lists = Array(repeating: [(id: UInt64, vector: [Float])](), count: chosen.count)
    for (id, vector) in rows {
      let distances = chosen.map { try! metric.distance(vector, $0) }
      lists[distances.indices.min { distances[$0] < distances[$1] }!].append((id, vector))
    }
    centroids = chosen
    self.partitions = lists
  }

  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, allowed: RowSet?) throws
    -> [Neighbor]
  {
    let order = centroids.indices.sorted { try! metric.distance(query, centroids[$0]) < (try! metric.distance(query, centroids[$1])) }
    var top = TopK(k: k)
    for partition in order.prefix(nprobes) {
      for (id, vector) in partitions[partition] where allowed?.contains(id) ?? true {
        var distance = try metric.distance(query, vector)
        if approximate { distance += Float(id % 7) * 0.01 }
        top.insert(id: id, distance: distance)
      }
    }
    return top.sorted()
  }
}

/// The exact answer by brute force: every live row passing the filter (checked with the
/// independent reference interpreter), sorted by distance then id.
func bruteForce(
  _ source: InMemoryDataSource, query: [Float], metric: DistanceMetric, filter: String?,
  fragments: Set<UInt32>? = nil
) throws -> [Neighbor] {
  let expression = try filter.map { try FilterParser.parse($0) }
  var all: [Neighbor] = []
  for fragment in source.fragments where fragments?.contains(fragment.id) ?? true {
    let batch = source.batches[Int(fragment.id)]
    let reference = ReferenceFilter(batch: batch)
    for row in 0..<batch.rowCount where !fragment.isDeleted(row) {
      if let expression, reference.truth(expression, row: row) != true { continue }
      let vector = batch["vector"]!.vector(at: row)!
      all.append(Neighbor(id: fragment.rowId(row), distance: try metric.distance(query, vector)))
    }
  }
  return all.sorted(by: Neighbor.precedes)
}
