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

  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, allowed: RowIDFilter?) throws
    -> [Neighbor]
  {
    let found = try index.search(query, k: k, nprobes: nprobes, filter: allowed, metric: metric)
    // After a compaction the entry covers fewer fragments than the index holds rows of.
    let covered = fragmentIds
    if covered.count == index.fragmentIds.count { return found }
    return found.filter { covered.contains(UInt32($0.id >> 32)) }
  }
}
