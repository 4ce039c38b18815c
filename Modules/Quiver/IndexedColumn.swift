import QuiverIndex
import QuiverKernels
import QuiverQuery
import QuiverTable

/// An IVF index (IVF_FLAT, IVF_PQ, IVF_SQ) of a table, as the query executor uses it.
struct IVFQueryIndex: QueryVectorIndex {
  let entry: IndexEntry
  let index: IVFIndex

  var name: String { entry.name }
  var typeName: String { entry.indexType }
  var column: String { entry.column }
  var metric: DistanceMetric { index.metric }
  var fragmentIds: Set<UInt32> { Set(entry.fragmentIDs) }
  var partitionCount: Int { index.partitionCount }
  var usesGraph: Bool { false }
  var returnsExactDistances: Bool { index.type == .ivfFlat }

  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, allowed: RowSet?) throws
    -> [Neighbor]
  {
    let found = try index.search(
      query, k: k, nprobes: nprobes, filter: allowed, metric: metric)
    return dropUncovered(found, entry: entry, indexFragmentCount: index.fragmentIds.count)
  }
}

/// After a compaction an entry covers fewer fragments than its index holds rows of; rows of
/// fragments that no longer exist are dropped.
func dropUncovered(_ found: [Neighbor], entry: IndexEntry, indexFragmentCount: Int?) -> [Neighbor] {
  if let indexFragmentCount, indexFragmentCount == entry.fragmentIDs.count { return found }
  let covered = Set(entry.fragmentIDs)
  return found.filter { covered.contains(UInt32($0.id >> 32)) }
}

/// An IVF_HNSW_SQ or IVF_HNSW_PQ index: one graph per partition.
struct IVFHNSWQueryIndex: QueryVectorIndex {
  let entry: IndexEntry
  let index: IVFHNSWIndex

  var name: String { entry.name }
  var typeName: String { entry.indexType }
  var column: String { entry.column }
  var metric: DistanceMetric { index.metric }
  var fragmentIds: Set<UInt32> { Set(entry.fragmentIDs) }
  var partitionCount: Int { index.partitionCount }
  var usesGraph: Bool { true }
  var returnsExactDistances: Bool { false }

  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, allowed: RowSet?) throws
    -> [Neighbor]
  {
    let found = try index.search(query, k: k, nprobes: nprobes, ef: ef, filter: allowed)
    return dropUncovered(found, entry: entry, indexFragmentCount: nil)
  }
}

/// A single HNSW graph over full-precision vectors.
struct HNSWQueryIndex: QueryVectorIndex {
  let entry: IndexEntry
  let index: HNSWIndex

  var name: String { entry.name }
  var typeName: String { entry.indexType }
  var column: String { entry.column }
  var metric: DistanceMetric { index.metric }
  var fragmentIds: Set<UInt32> { Set(entry.fragmentIDs) }
  var partitionCount: Int { 1 }
  var usesGraph: Bool { true }
  var returnsExactDistances: Bool { true }

  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, allowed: RowSet?) throws
    -> [Neighbor]
  {
    let found = try index.search(query, k: k, ef: ef, filter: allowed)
    return dropUncovered(found, entry: entry, indexFragmentCount: nil)
  }
}
