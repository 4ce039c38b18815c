import QuiverKernels
import QuiverStorage

extension HNSWIndex: VectorIndex {
  public var type: IndexType { .hnsw }
  public var rowCount: Int { count }
  public var partitionCount: Int { 1 }
  public var indexedFragmentIDs: [UInt32]? { rows.fragmentIDs }
  public var usesGraph: Bool { true }
  public var returnsExactDistances: Bool { true }

  public func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, filter: RowSet?)
    throws(IndexError) -> [Neighbor]
  {
    try search(query, k: k, ef: ef, filter: filter, scratch: nil)
  }
}
