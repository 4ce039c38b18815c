import QuiverKernels
import QuiverStorage

extension IVFRQIndex: VectorIndex {
  public var indexedFragmentIDs: [UInt32]? { fragmentIds }
  public var usesGraph: Bool { false }
  public var returnsExactDistances: Bool { false }

  public func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, filter: RowSet?)
    throws(IndexError) -> [Neighbor]
  {
    try search(query, k: k, nprobes: nprobes, filter: filter)
  }
}
