import QuiverKernels

extension HNSWIndex {
  /// A new index holding this index's rows and `rowIds`: the vectors are added after the
  /// existing ones and inserted into a copy of the graph (`HNSWGraphBuilder.extending`), with
  /// this index's `m`, `efConstruction` and seed.
  ///
  /// - Throws: as `VectorIndex.appending(vectors:rowIds:progress:)`.
  public func appending(
    vectors: [Float], rowIds: [UInt64], progress: IndexBuildProgressHandler?
  ) throws(IndexError) -> any VectorIndex {
    let rows = try AppendedRows(vectors: vectors, rowIds: rowIds, for: self)
    let tracker = IndexBuildProgressTracker(progress, stages: [([.graphBuilding], 1)])
    tracker.report(.graphBuilding, 0, of: rows.count)
    let combined =
      Array(UnsafeBufferPointer(start: self.vectors.values, count: count * dimension))
      + rows.vectors
    let stored = combined.withUnsafeBufferPointer {
      HNSWFloatVectors(copying: $0, dimension: dimension, metric: metric, normalized: true)
    }
    let extended = try HNSWGraphBuilder.extending(
      graph, space: stored.buildSpace, parameters: parameters)
    tracker.finish(rows: rows.count)
    return HNSWIndex(
      metric: metric, dimension: dimension, parameters: parameters, graph: extended,
      vectors: stored, rows: HNSWRowMap(rowIds: self.rows.rowIds + rows.rowIds))
  }

  /// A new index whose row ids are passed through `newRowID`; nodes mapped to nil are removed
  /// from the graph (`HNSWGraphBuilder.removing`).
  ///
  /// - Throws: as `VectorIndex.remappingRowIDs(_:)`.
  public func remappingRowIDs(_ newRowID: (UInt64) -> UInt64?) throws(IndexError)
    -> any VectorIndex
  {
    var keep: [Bool] = []
    var keptIds: [UInt64] = []
    keep.reserveCapacity(count)
    keptIds.reserveCapacity(count)
    for rowId in rows.rowIds {
      let mapped = newRowID(rowId)
      keep.append(mapped != nil)
      if let mapped { keptIds.append(mapped) }
    }
    guard keptIds.count < count else {
      return HNSWIndex(
        metric: metric, dimension: dimension, parameters: parameters, graph: graph,
        vectors: vectors, rows: HNSWRowMap(rowIds: keptIds))
    }
    var keptVectors: [Float] = []
    keptVectors.reserveCapacity(keptIds.count * dimension)
    for node in 0..<count where keep[node] {
      keptVectors += UnsafeBufferPointer(start: vectors.values + node * dimension, count: dimension)
    }
    let stored = keptVectors.withUnsafeBufferPointer {
      HNSWFloatVectors(copying: $0, dimension: dimension, metric: metric, normalized: true)
    }
    let relinked = try HNSWGraphBuilder.removing(
      from: graph, keeping: keep, space: stored.buildSpace, parameters: parameters)
    return HNSWIndex(
      metric: metric, dimension: dimension, parameters: parameters, graph: relinked,
      vectors: stored, rows: HNSWRowMap(rowIds: keptIds))
  }
}
