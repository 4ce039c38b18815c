import QuiverIndex
import QuiverKernels
import QuiverQuery
import QuiverStorage
import QuiverTable

/// An opened index of a table under the manifest entry of one version, as the query executor
/// uses it. The entry says which fragments the index covers in that version; the index says
/// which it holds rows of.
struct TableIndex: QueryVectorIndex {
  let entry: IndexEntry
  let index: any VectorIndex

  var name: String { entry.name }
  var typeName: String { entry.indexType }
  var column: String { entry.column }
  var metric: DistanceMetric { index.metric }
  var fragmentIds: Set<UInt32> { Set(entry.fragmentIDs) }
  var indexedFragmentIds: Set<UInt32>? { index.indexedFragmentIDs.map(Set.init) }
  var partitionCount: Int { index.partitionCount }
  var usesGraph: Bool { index.usesGraph }
  var returnsExactDistances: Bool { index.returnsExactDistances }

  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, allowed: RowSet?) throws
    -> [Neighbor]
  {
    try index.search(query, k: k, nprobes: nprobes, ef: ef, filter: allowed)
  }
}
