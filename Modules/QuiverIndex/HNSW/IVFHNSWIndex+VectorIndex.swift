import QuiverKernels

extension IVFHNSWIndex: VectorIndex {
  /// Unknown without loading every partition: the files list no fragments.
  public var indexedFragmentIDs: [UInt32]? { nil }
  public var usesGraph: Bool { true }
  public var returnsExactDistances: Bool { false }

  public func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, filter: RowSet?)
    throws(IndexError) -> [Neighbor]
  {
    try search(query, k: k, nprobes: nprobes, ef: ef, filter: filter, scratch: nil)
  }
}
