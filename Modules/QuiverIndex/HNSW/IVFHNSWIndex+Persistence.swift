import Foundation
import QuiverKernels
import QuiverStorage

extension IVFHNSWIndex: PartitionCachingIndex {
  /// Writes the index into `folder` of a storage (the table's `_indices/<uuid>/`) as
  /// `hnsw.meta` (parameters, centroids, quantizer, directory) and `hnsw.partitions` (per
  /// partition: row ids, codes, graph), each durable before this returns.
  ///
  /// - Throws: `IndexError.ioFailure` if a file cannot be written, or the error of loading
  ///   a partition of an opened index.
  public func write(to folder: IndexFolder) throws(IndexError) {
    var sizes: [Int] = []
    for index in 0..<partitionCount { sizes.append(try partitions.partition(index).count) }
    try Self.writeFiles(
      to: folder, parameters: parameters, dimension: dimension, rowCount: rowCount,
      centroids: centroids, quantizer: quantizer, partitionSizes: sizes
    ) { index throws(IndexError) in try partitions.partition(index) }
  }

  /// Writes the files of an index of these parts into `folder`; `partition(i)` gives partition
  /// `i` (of `partitionSizes[i]` rows) when its block is written, so partitions can be made one
  /// at a time.
  static func writeFiles(
    to folder: IndexFolder, parameters: IVFHNSWParameters, dimension: Int, rowCount: Int,
    centroids: [Float], quantizer: ResidualQuantizer, partitionSizes sizes: [Int],
    partition: (Int) throws(IndexError) -> IVFHNSWPartition
  ) throws(IndexError) {
    // The resolved shapes are stored, so that a reader needs no defaults.
    var resolved = parameters.ivf
    resolved.numPartitions = sizes.count
    let floats = centroids + quantizer.modelFloats
    if let pq = quantizer.product { resolved.numSubVectors = pq.subVectorCount }
    let metadata = HNSWIndexMetadata(
      type: parameters.type.rawValue, metric: parameters.metric, dimension: dimension,
      rowCount: rowCount, hnsw: parameters.hnsw, ivf: resolved, partitionSizes: sizes)
    try HNSWIndexFiles.files.write(
      to: folder, metadata: metadata, modelFloats: floats, partitionSizes: sizes
    ) { index throws(IndexError) in
      let made = try partition(index)
      return HNSWIndexFileIO.partitionBlock(
        rowIds: made.rows.rowIds, payload: made.codes, graph: made.graph)
    }
  }

  /// The most bytes of partitions (codes, graphs, row ids) an opened index keeps in memory by
  /// default. Larger than IVF's: a partition holds a graph and IVF_HNSW partitions are large
  /// (about 100,000 rows, ~50 MB at 384 dimensions), so a smaller cache would reload one per probe.
  public static let defaultCacheCapacityBytes = 1 << 30

  /// The most bytes of partitions this index's cache keeps (0 for an index built in memory).
  package var cacheCapacityBytes: Int { partitions.capacityBytes }

  /// Opens an index written by `write(to:)` in `folder` of a storage: reads and verifies
  /// `hnsw.meta` only; each partition is read and checksum-verified the first time a search
  /// probes it, and kept in a cache of at most `cacheCapacityBytes` (least recently used out).
  ///
  /// - Throws: `IndexError` `.ioFailure`, `.corruptFile`, `.unsupportedVersion`,
  ///   `.unsupportedIndexType` (the folder holds a plain HNSW index).
  public static func open(
    at folder: IndexFolder, cacheCapacityBytes: Int = defaultCacheCapacityBytes
  ) throws(IndexError) -> IVFHNSWIndex {
    try open(at: folder, cacheCapacityBytes: cacheCapacityBytes, rowBounds: nil)
  }

  /// Opens the index files in `folder` of a storage for a table; each partition's row ids are
  /// checked against `rowBounds` when it is read.
  package static func open(
    at folder: IndexFolder, cacheCapacityBytes: Int, rowBounds: IndexRowBounds?
  ) throws(IndexError) -> IVFHNSWIndex {
    let opened = try HNSWIndexFileIO.open(at: folder) { metadata throws(IndexError) in
      guard let ivf = metadata.ivf, ivf.type == .ivfHNSWSQ || ivf.type == .ivfHNSWPQ,
        metadata.type == ivf.type.rawValue
      else {
        throw IndexError(
          .unsupportedIndexType, "\(folder.storage.describe(folder.path)): holds a \(metadata.type) index, not IVF_HNSW")
      }
      let dimension = metadata.dimension
      // The shape check bounded partitions × dimension; the quantizer's part may still overflow.
      let centroids = metadata.partitionSizes.count * dimension
      let quantizerFloats: Int?
      if ivf.type == .ivfHNSWSQ {
        quantizerFloats = IndexMetadataValidation.product(2, dimension)
      } else {
        guard let subVectors = ivf.numSubVectors, subVectors > 0, dimension % subVectors == 0,
          ivf.numBits == 4 || ivf.numBits == 8
        else { throw IndexError(.corruptFile, "\(folder.storage.describe(folder.path)): PQ parameters are invalid") }
        quantizerFloats = IndexMetadataValidation.product(dimension, 1 << ivf.numBits)
      }
      guard let quantizerFloats,
        let total = IndexMetadataValidation.sum(centroids, quantizerFloats)
      else { throw IndexError(.corruptFile, "\(folder.storage.describe(folder.path)): dimension \(dimension) is impossible") }
      return total
    }
    try IndexMetadataValidation.requireFinite(opened.modelFloats, "model", path: opened.path)
    let metadata = opened.metadata
    let ivf = metadata.ivf!
    try metadata.hnsw.validate()
    let dimension = metadata.dimension
    let partitionCount = metadata.partitionSizes.count
    let floats = opened.modelFloats
    let centroids = Array(floats[0..<(partitionCount * dimension)])
    let rest = Array(floats[(partitionCount * dimension)...])
    let quantizer: ResidualQuantizer
    if ivf.type == .ivfHNSWSQ {
      guard rest[dimension...].allSatisfy({ $0 > 0 }) else {
        throw IndexError(.corruptFile, "\(opened.path): SQ scales must be positive")
      }
      quantizer = .scalar(
        ScalarQuantizer(
          dimension: dimension, offsets: Array(rest[0..<dimension]),
          scales: Array(rest[dimension...])))
    } else {
      quantizer = .product(
        ProductQuantizer(
          dimension: dimension, subVectorCount: ivf.numSubVectors!, bits: ivf.numBits,
          codebooks: rest))
    }
    let codeSize = quantizer.codeSize
    let path = opened.partitionsPath
    let partitionFragments = PartitionFragmentRecord(count: partitionCount)
    let cache = PartitionCache<IVFHNSWPartition>(
      count: partitionCount, capacityBytes: cacheCapacityBytes, byteCount: { $0.byteCount }
    ) { index throws(IndexError) in
      let rows = opened.directory[index].rowCount
      let block = try opened.readBlock(index)
      let parts = try HNSWIndexFileIO.readPartitionBlock(
        block, rows: rows, payloadLength: rows * codeSize, path: path, index: index)
      try rowBounds?.check(parts.rowIds, path: "\(path) partition \(index)")
      let rowMap = HNSWRowMap(rowIds: parts.rowIds)
      partitionFragments.record(partition: index, fragmentIDs: rowMap.fragmentIDs)
      return IVFHNSWPartition(graph: parts.graph, rows: rowMap, codes: parts.payload)
    }
    var parameters = IVFHNSWParameters(type: ivf.type, hnsw: metadata.hnsw)
    parameters.ivf = ivf
    return IVFHNSWIndex(
      parameters: parameters, dimension: dimension, rowCount: metadata.rowCount,
      centroids: centroids, quantizer: quantizer, partitions: cache,
      partitionFragments: partitionFragments)
  }
}
