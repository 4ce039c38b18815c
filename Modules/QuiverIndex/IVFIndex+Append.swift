import QuiverKernels
import QuiverStorage

extension IVFIndex {
  /// A new index holding this index's rows and `rowIds`, without retraining: each new row goes
  /// to its nearest centroid (the assignment the build made), its residual is encoded with the
  /// trained PQ codebooks or SQ ranges (IVF_FLAT keeps the vector), and it is appended to its
  /// partition after the rows already there. Partitions, centroids and the quantizer are
  /// otherwise unchanged, so the result searches like an index built with this training.
  ///
  /// - Throws: as `VectorIndex.appending(vectors:rowIds:progress:)`.
  public func appending(
    vectors: [Float], rowIds: [UInt64], progress: IndexBuildProgressHandler?
  ) throws(IndexError) -> any VectorIndex {
    let rows = try AppendedRows(vectors: vectors, rowIds: rowIds, for: self)
    let tracker = IndexBuildProgressTracker(
      progress, stages: [([.assigning], 1), ([.encoding], quantizer == nil ? 0 : 1)])
    var partitions = try store.allPartitions()
    guard rows.count > 0 else {
      tracker.finish(rows: 0)
      return rebuilt(partitions)
    }
    let assignments = rows.assign(
      to: centroids, partitionCount: partitionCount, metric: metric, reporting: tracker)
    var codes: [UInt8] = []
    var rowTerms: [Float] = []
    if let quantizer {
      tracker.report(.encoding, 0, of: rows.count)
      let residuals = rows.residuals(centroids: centroids, assignments: assignments)
      codes = rows.encode(residuals: residuals, with: quantizer)
      tracker.report(.encoding, rows.count, of: rows.count)
      if partitionLayout.hasRowTerms, let product = productQuantizer {
        rowTerms = Self.rowTerms(
          codes: codes, count: rows.count, quantizer: product, centroids: centroids,
          assignments: assignments)
      }
    }
    let codeSize = quantizer?.codeSize ?? 0
    let members = AppendedRows.members(of: assignments, partitionCount: partitionCount)
    for (partitionIndex, added) in members.enumerated() where !added.isEmpty {
      var partition = partitions[partitionIndex]
      partition.rowIds += added.map { rows.rowIds[$0] }
      if type == .ivfFlat {
        for row in added {
          partition.vectors += rows.vectors[(row * dimension)..<((row + 1) * dimension)]
        }
      } else {
        var rowMajor = rowMajorCodes(of: partition, rowCount: partition.rowCount - added.count)
        for row in added { rowMajor += codes[(row * codeSize)..<((row + 1) * codeSize)] }
        partition.codes = storedCodes(rowMajor, rowCount: partition.rowCount)
        if !rowTerms.isEmpty { partition.rowTerms += added.map { rowTerms[$0] } }
      }
      partitions[partitionIndex] = partition
    }
    tracker.finish(rows: rows.count)
    return rebuilt(partitions)
  }

  /// A new index whose row ids are passed through `newRowID`; rows mapped to nil are removed
  /// from their partitions (codes, vectors and row terms with them).
  ///
  /// - Throws: as `VectorIndex.remappingRowIDs(_:)`.
  public func remappingRowIDs(_ newRowID: (UInt64) -> UInt64?) throws(IndexError)
    -> any VectorIndex
  {
    let codeSize = quantizer?.codeSize ?? 0
    var partitions = try store.allPartitions()
    for (partitionIndex, partition) in partitions.enumerated() {
      var kept: [Int] = []
      var keptIds: [UInt64] = []
      kept.reserveCapacity(partition.rowCount)
      keptIds.reserveCapacity(partition.rowCount)
      for (row, rowId) in partition.rowIds.enumerated() {
        guard let mapped = newRowID(rowId) else { continue }
        kept.append(row)
        keptIds.append(mapped)
      }
      var remapped = IVFPartition(rowIds: keptIds)
      if kept.count == partition.rowCount {
        remapped.vectors = partition.vectors
        remapped.codes = partition.codes
        remapped.rowTerms = partition.rowTerms
      } else if type == .ivfFlat {
        for row in kept {
          remapped.vectors += partition.vectors[(row * dimension)..<((row + 1) * dimension)]
        }
      } else {
        let rowMajor = rowMajorCodes(of: partition, rowCount: partition.rowCount)
        var keptCodes: [UInt8] = []
        keptCodes.reserveCapacity(kept.count * codeSize)
        for row in kept { keptCodes += rowMajor[(row * codeSize)..<((row + 1) * codeSize)] }
        remapped.codes = storedCodes(keptCodes, rowCount: kept.count)
        if !partition.rowTerms.isEmpty { remapped.rowTerms = kept.map { partition.rowTerms[$0] } }
      }
      partitions[partitionIndex] = remapped
    }
    return rebuilt(partitions)
  }

  /// This index's training with `partitions`: statistics recounted (rows, partition sizes,
  /// fragments), the partitions held in memory.
  private func rebuilt(_ partitions: [IVFPartition]) -> IVFIndex {
    IVFIndex(
      parameters: parameters,
      statistics: statistics.recounted(partitionRowIds: partitions.map(\.rowIds)),
      centroids: centroids,
      productQuantizer: productQuantizer, scalarQuantizer: scalarQuantizer,
      store: PartitionStore(partitions: partitions))
  }

  /// The codes of `partition`'s first `rowCount` rows, row-major (4-bit IVF_PQ partitions hold
  /// them in fast-scan blocks).
  private func rowMajorCodes(of partition: IVFPartition, rowCount: Int) -> [UInt8] {
    guard let product = productQuantizer, product.fastScanSubVectorCount > 0 else {
      return partition.codes
    }
    let codeSize = product.codeSize
    var rowMajor = [UInt8](repeating: 0, count: rowCount * codeSize)
    guard rowCount > 0 else { return rowMajor }
    partition.codes.withUnsafeBufferPointer { blocks in
      rowMajor.withUnsafeMutableBufferPointer { out in
        for row in 0..<rowCount {
          PQ4FastScan.unpackRow(
            blocks: blocks.baseAddress!, row: row, subVectorCount: product.subVectorCount,
            into: out.baseAddress! + row * codeSize)
        }
      }
    }
    return rowMajor
  }

  /// Row-major codes of `rowCount` rows as a partition stores them.
  private func storedCodes(_ rowMajor: [UInt8], rowCount: Int) -> [UInt8] {
    guard let product = productQuantizer, product.fastScanSubVectorCount > 0 else {
      return rowMajor
    }
    return IVFPartition.fastScanBlocks(
      rowMajorCodes: rowMajor, rowCount: rowCount, subVectorCount: product.subVectorCount)
  }

  /// The per-row term `2·c·r̂ + ‖r̂‖²` of IVF_PQ (l2, cosine) for each encoded row, from its
  /// decoded residual `r̂` and its centroid `c`, as the build computes it.
  private static func rowTerms(
    codes: [UInt8], count: Int, quantizer: ProductQuantizer, centroids: [Float],
    assignments: [Int32]
  ) -> [Float] {
    let dimension = quantizer.dimension
    var terms = [Float](repeating: 0, count: count)
    var decoded = [Float](repeating: 0, count: dimension)
    codes.withUnsafeBufferPointer { codeBuffer in
      decoded.withUnsafeMutableBufferPointer { residual in
        for row in 0..<count {
          quantizer.decode(
            codeBuffer.baseAddress! + row * quantizer.codeSize, into: residual.baseAddress!)
          let centroid = Int(assignments[row]) * dimension
          var term: Float = 0
          for i in 0..<dimension {
            term += residual[i] * (2 * centroids[centroid + i] + residual[i])
          }
          terms[row] = term
        }
      }
    }
    return terms
  }
}
