import QuiverKernels
import QuiverStorage

extension IVFHNSWIndex: VectorIndex {
  /// Known once every partition has been loaded (the files list no fragments); nil before.
  public var indexedFragmentIDs: [UInt32]? { partitionFragments.allFragmentIDs }
  public var usesGraph: Bool { true }
  public var returnsExactDistances: Bool { false }

  public func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, filter: RowSet?)
    throws(IndexError) -> [Neighbor]
  {
    try search(query, k: k, nprobes: nprobes, ef: ef, filter: filter, scratch: nil)
  }
}
