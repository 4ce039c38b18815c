import QuiverKernels

extension IVFHNSWIndex {
  /// A new index holding this index's rows and `rowIds`, without retraining: each new row goes
  /// to its nearest centroid, its residual is encoded with the trained quantizer, and it is
  /// inserted into its partition's graph (`HNSWGraphBuilder.extending`). The partition files
  /// keep codes, not floats, so the existing nodes take part in the insertion as their decoded
  /// vectors (centroid + decoded residual); the new rows as their exact vectors.
  ///
  /// - Throws: as `VectorIndex.appending(vectors:rowIds:progress:)`.
  public func appending(
    vectors: [Float], rowIds: [UInt64], progress: IndexBuildProgressHandler?
  ) throws(IndexError) -> any VectorIndex {
    let rows = try AppendedRows(vectors: vectors, rowIds: rowIds, for: self)
    // Graph insertion is nearly all of the work.
    let tracker = IndexBuildProgressTracker(
      progress, stages: [([.assigning], 1), ([.encoding], 1), ([.graphBuilding], 18)])
    let assignments = rows.assign(
      to: centroids, partitionCount: partitionCount, metric: metric == .dot ? .dot : .l2,
      reporting: tracker)
    let codes = rows.encode(
      residuals: rows.residuals(centroids: centroids, assignments: assignments), with: quantizer)
    tracker.report(.encoding, rows.count, of: rows.count)
    tracker.report(.graphBuilding, 0, of: rows.count)
    let codeSize = quantizer.codeSize
    let members = AppendedRows.members(of: assignments, partitionCount: partitionCount)
    var updated: [IVFHNSWPartition] = []
    updated.reserveCapacity(partitionCount)
    for (partitionIndex, added) in members.enumerated() {
      let partition = try partitions.partition(partitionIndex)
      guard !added.isEmpty else {
        updated.append(partition)
        continue
      }
      var floats = decodedVectors(of: partition, in: partitionIndex, nodes: 0..<partition.count)
      var newCodes = partition.codes
      for row in added {
        floats += rows.vectors[(row * dimension)..<((row + 1) * dimension)]
        newCodes += codes[(row * codeSize)..<((row + 1) * codeSize)]
      }
      let graph = try buildGraph(over: floats, count: partition.count + added.count) {
        (space) throws(IndexError) in
        try HNSWGraphBuilder.extending(partition.graph, space: space, parameters: parameters.hnsw)
      }
      updated.append(
        IVFHNSWPartition(
          graph: graph,
          rows: HNSWRowMap(rowIds: partition.rows.rowIds + added.map { rows.rowIds[$0] }),
          codes: newCodes))
      tracker.advance(.graphBuilding, by: added.count, of: rows.count)
    }
    tracker.finish(rows: rows.count)
    return replacingPartitions(updated)
  }

  /// A new index whose row ids are passed through `newRowID`; nodes mapped to nil are removed
  /// from their partition's graph (`HNSWGraphBuilder.removing`, over the decoded vectors of the
  /// nodes kept).
  ///
  /// - Throws: as `VectorIndex.remappingRowIDs(_:)`.
  public func remappingRowIDs(_ newRowID: (UInt64) -> UInt64?) throws(IndexError)
    -> any VectorIndex
  {
    let codeSize = quantizer.codeSize
    var updated: [IVFHNSWPartition] = []
    updated.reserveCapacity(partitionCount)
    for partitionIndex in 0..<partitionCount {
      let partition = try partitions.partition(partitionIndex)
      var keep: [Bool] = []
      var keptIds: [UInt64] = []
      for rowId in partition.rows.rowIds {
        let mapped = newRowID(rowId)
        keep.append(mapped != nil)
        if let mapped { keptIds.append(mapped) }
      }
      guard keptIds.count < partition.count else {
        updated.append(
          IVFHNSWPartition(
            graph: partition.graph, rows: HNSWRowMap(rowIds: keptIds), codes: partition.codes))
        continue
      }
      guard !keptIds.isEmpty else {
        updated.append(
          IVFHNSWPartition(
            graph: HNSWGraph(
              storage: HNSWGraphStorage(m: partition.graph.m, levels: []), entryPoint: -1,
              maxLevel: 0),
            rows: HNSWRowMap(rowIds: []), codes: []))
        continue
      }
      var floats: [Float] = []
      var keptCodes: [UInt8] = []
      for node in 0..<partition.count where keep[node] {
        floats += decodedVectors(of: partition, in: partitionIndex, nodes: node..<(node + 1))
        keptCodes += partition.codes[(node * codeSize)..<((node + 1) * codeSize)]
      }
      let graph = try buildGraph(over: floats, count: keptIds.count) {
        (space) throws(IndexError) in
        try HNSWGraphBuilder.removing(
          from: partition.graph, keeping: keep, space: space, parameters: parameters.hnsw)
      }
      updated.append(
        IVFHNSWPartition(graph: graph, rows: HNSWRowMap(rowIds: keptIds), codes: keptCodes))
    }
    return replacingPartitions(updated)
  }

  /// This index's training with `partitions`, held in memory.
  private func replacingPartitions(_ partitions: [IVFHNSWPartition]) -> IVFHNSWIndex {
    IVFHNSWIndex(
      parameters: parameters, dimension: dimension,
      rowCount: partitions.reduce(0) { $0 + $1.count }, centroids: centroids,
      quantizer: quantizer, partitions: PartitionCache(partitions: partitions),
      partitionFragments: PartitionFragmentRecord(partitions: partitions))
  }

  /// The vectors `nodes` of `partition` (number `partitionIndex`) stand for: centroid plus
  /// decoded residual, row-major.
  private func decodedVectors(
    of partition: IVFHNSWPartition, in partitionIndex: Int, nodes: Range<Int>
  ) -> [Float] {
    var out = [Float](repeating: 0, count: nodes.count * dimension)
    let codeSize = quantizer.codeSize
    partition.codes.withUnsafeBufferPointer { codes in
      out.withUnsafeMutableBufferPointer { target in
        for (position, node) in nodes.enumerated() {
          let row = target.baseAddress! + position * dimension
          let code = codes.baseAddress! + node * codeSize
          switch quantizer {
          case .scalar(let scalar): scalar.decode(code, into: row)
          case .product(let product): product.decode(code, into: row)
          }
          let centroid = partitionIndex * dimension
          for i in 0..<dimension { row[i] += centroids[centroid + i] }
        }
      }
    }
    return out
  }

  /// Runs `make` on a build space over `count` row-major `floats` (at least one row), with the
  /// distance the partition graphs were built with (1 − inner product for dot and cosine,
  /// squared L2 for l2).
  private func buildGraph(
    over floats: [Float], count: Int,
    _ make: (HNSWFloatBuildSpace) throws(IndexError) -> HNSWGraph
  ) throws(IndexError) -> HNSWGraph {
    try floats.withUnsafeBufferPointer { (buffer) throws(IndexError) -> HNSWGraph in
      try make(
        HNSWFloatBuildSpace(
          vectors: buffer.baseAddress!, count: count, dimension: dimension,
          innerProduct: metric != .l2))
    }
  }
}
