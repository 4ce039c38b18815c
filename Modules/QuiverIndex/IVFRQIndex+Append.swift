import QuiverKernels
import QuiverStorage

extension IVFRQIndex {
  /// A new index holding this index's rows and `rowIds`, without retraining: each new row goes
  /// to its nearest centroid (the assignment the build made), its residual is rotated with the
  /// stored rotation and encoded as the build encodes, and it is appended to its partition
  /// after the rows already there. Centroids and rotation are unchanged, so the result searches
  /// like an index built with this training.
  ///
  /// - Throws: as `VectorIndex.appending(vectors:rowIds:progress:)`.
  public func appending(
    vectors: [Float], rowIds: [UInt64], progress: IndexBuildProgressHandler?
  ) throws(IndexError) -> any VectorIndex {
    let rows = try AppendedRows(vectors: vectors, rowIds: rowIds, for: self)
    let tracker = IndexBuildProgressTracker(progress, stages: [([.assigning], 1), ([.encoding], 1)])
    var list = try partitions.allPartitions()
    guard rows.count > 0 else {
      tracker.finish(rows: 0)
      return rebuilt(list)
    }
    let assignments = rows.assign(
      to: centroids, partitionCount: partitionCount, metric: metric, reporting: tracker)
    tracker.report(.encoding, 0, of: rows.count)
    var sign = [UInt64](repeating: 0, count: rows.count * quantizer.words)
    var extra = [UInt64](repeating: 0, count: rows.count * quantizer.extraWords)
    var factors = [Float](repeating: 0, count: rows.count * quantizer.factorCount)
    rows.vectors.withUnsafeBufferPointer { vectors in
      Self.encode(
        vectors.baseAddress!, count: rows.count, centroids: centroids, assignments: assignments,
        rotation: rotation, quantizer: quantizer, threads: Parallel.defaultThreads, sign: &sign,
        extra: &extra, factors: &factors)
    }
    let members = AppendedRows.members(of: assignments, partitionCount: partitionCount)
    for (partitionIndex, added) in members.enumerated() where !added.isEmpty {
      var partition = list[partitionIndex]
      for row in added {
        partition.rowIds.append(rows.rowIds[row])
        partition.signCodes += sign[(row * quantizer.words)..<((row + 1) * quantizer.words)]
        partition.extraCodes +=
          extra[(row * quantizer.extraWords)..<((row + 1) * quantizer.extraWords)]
        partition.factors +=
          factors[(row * quantizer.factorCount)..<((row + 1) * quantizer.factorCount)]
      }
      list[partitionIndex] = partition
    }
    tracker.report(.encoding, rows.count, of: rows.count)
    return rebuilt(list)
  }

  /// A new index whose row ids are passed through `newRowID`; rows mapped to nil are removed
  /// from their partitions (codes and factors with them).
  ///
  /// - Throws: as `VectorIndex.remappingRowIDs(_:)`.
  public func remappingRowIDs(_ newRowID: (UInt64) -> UInt64?) throws(IndexError)
    -> any VectorIndex
  {
    let list = try partitions.allPartitions().map { partition in
      var remapped = IVFRQPartition(rowIds: [], signCodes: [], extraCodes: [], factors: [])
      for (row, rowId) in partition.rowIds.enumerated() {
        guard let mapped = newRowID(rowId) else { continue }
        remapped.rowIds.append(mapped)
        remapped.signCodes +=
          partition.signCodes[(row * quantizer.words)..<((row + 1) * quantizer.words)]
        remapped.extraCodes +=
          partition.extraCodes[(row * quantizer.extraWords)..<((row + 1) * quantizer.extraWords)]
        remapped.factors +=
          partition.factors[(row * quantizer.factorCount)..<((row + 1) * quantizer.factorCount)]
      }
      return remapped
    }
    return rebuilt(list)
  }

  /// This index's training with `list`: statistics recounted (rows, partition sizes,
  /// fragments), the partitions held in memory.
  private func rebuilt(_ list: [IVFRQPartition]) -> IVFRQIndex {
    IVFRQIndex(
      parameters: parameters,
      statistics: statistics.recounted(partitionRowIds: list.map(\.rowIds)),
      centroids: centroids, rotation: rotation,
      partitions: PartitionCache(partitions: list))
  }
}
