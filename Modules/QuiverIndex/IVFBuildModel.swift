import QuiverKernels

/// What the training steps of an IVF build produced, and how rows spilled by the streaming
/// pass become partitions and the finished index.
struct IVFBuildModel: Sendable {
  /// The parameters with the partition and sub-vector counts resolved.
  var parameters: IVFIndexParameters
  /// Floats per vector.
  var dimension: Int
  /// Finds a row's partition among the `partitionCount × dimension` centroids.
  var assigner: PartitionAssigner
  /// The k-means run that produced them (for the statistics).
  var kmeans: KMeansResult
  /// Rows k-means trained on.
  var trainingRows: Int
  /// The quantizer of IVF_PQ.
  var productQuantizer: ProductQuantizer?
  /// The quantizer of IVF_SQ.
  var scalarQuantizer: ScalarQuantizer?
  /// Rows the quantizer trained on.
  var quantizerRows = 0

  /// The number of partitions.
  var partitionCount: Int { kmeans.k }

  /// `partitionCount × dimension` centroids.
  var centroids: [Float] { assigner.centroids }

  /// Code bytes per row (0 for IVF_FLAT).
  var codeSize: Int { productQuantizer?.codeSize ?? (scalarQuantizer != nil ? dimension : 0) }

  /// Whether rows carry a row term (IVF_PQ with l2 or cosine).
  var hasRowTerms: Bool { productQuantizer != nil && parameters.metric != .dot }

  /// The partition holding `records` (row id, then vector or codes and row term, each record),
  /// in their order.
  func partition(from records: [UInt8]) -> IVFPartition {
    let recordBytes = 8 + (codeSize == 0 ? dimension * 4 : codeSize + (hasRowTerms ? 4 : 0))
    let rows = records.count / recordBytes
    var partition = IVFPartition(rowIds: [])
    records.withUnsafeBytes { raw in
      partition.rowIds = (0..<rows).map {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * recordBytes, as: UInt64.self))
      }
      if codeSize == 0 {
        partition.vectors = [Float](unsafeUninitializedCapacity: rows * dimension) { out, filled in
          for row in 0..<rows {
            UnsafeMutableRawPointer(out.baseAddress! + row * dimension).copyMemory(
              from: raw.baseAddress! + row * recordBytes + 8, byteCount: dimension * 4)
          }
          filled = rows * dimension
        }
        return
      }
      partition.codes = [UInt8](unsafeUninitializedCapacity: rows * codeSize) { out, filled in
        for row in 0..<rows {
          UnsafeMutableRawPointer(out.baseAddress! + row * codeSize).copyMemory(
            from: raw.baseAddress! + row * recordBytes + 8, byteCount: codeSize)
        }
        filled = rows * codeSize
      }
      if hasRowTerms {
        partition.rowTerms = (0..<rows).map {
          Float(
            bitPattern: UInt32(
              littleEndian: raw.loadUnaligned(
                fromByteOffset: $0 * recordBytes + 8 + codeSize, as: UInt32.self)))
        }
      }
    }
    if let productQuantizer, productQuantizer.fastScanSubVectorCount > 0 {
      partition.codes = IVFPartition.fastScanBlocks(
        rowMajorCodes: partition.codes, rowCount: rows,
        subVectorCount: productQuantizer.subVectorCount)
    }
    return partition
  }

  /// The index over partitions of `partitionSizes` rows in `store`, holding rows of `fragments`.
  func index(partitionSizes: [Int], fragments: [UInt32], store: PartitionStore) -> IVFIndex {
    let statistics = IVFIndexStatistics(
      rowCount: partitionSizes.reduce(0, +), dimension: dimension,
      partitionSizes: partitionSizes, fragmentIds: fragments, ivfTrainingRows: trainingRows,
      ivfIterations: kmeans.iterations,
      // Vectors near Float.greatestFiniteMagnitude make squared distances overflow; the
      // statistic saturates so the metadata stays encodable JSON.
      ivfMeanDistance: kmeans.meanDistance.isFinite
        ? kmeans.meanDistance : Double.greatestFiniteMagnitude,
      repairedEmptyClusters: kmeans.repairedEmptyClusters,
      quantizerTrainingRows: quantizerRows,
      bytesPerRow: codeSize == 0 ? dimension * 4 : codeSize + (hasRowTerms ? 4 : 0))
    return IVFIndex(
      parameters: parameters, statistics: statistics, centroids: centroids,
      productQuantizer: productQuantizer, scalarQuantizer: scalarQuantizer, store: store)
  }
}
