import Foundation
import QuiverKernels

extension IVFHNSWIndex {
  /// Writes the index into `directory` (created if missing) as `hnsw.meta` (parameters,
  /// centroids, quantizer, directory) and `hnsw.partitions` (per partition: row ids, codes,
  /// graph), each fsynced.
  ///
  /// - Throws: `IndexError.ioFailure` if a file cannot be written, or the error of loading
  ///   a partition of an opened index.
  public func write(to directory: URL) throws(IndexError) {
    var sizes: [Int] = []
    for index in 0..<partitionCount { sizes.append(try partitions.partition(index).count) }
    // The resolved shapes are stored, so that a reader needs no defaults.
    var resolved = parameters.ivf
    resolved.numPartitions = partitionCount
    var floats = centroids
    switch quantizer {
    case .scalar(let sq): floats += sq.offsets + sq.scales
    case .product(let pq):
      floats += pq.codebooks
      resolved.numSubVectors = pq.subVectorCount
    }
    let metadata = HNSWIndexMetadata(
      type: type.rawValue, metric: metric, dimension: dimension, rowCount: rowCount,
      hnsw: parameters.hnsw, ivf: resolved, partitionSizes: sizes)
    try HNSWIndexFiles.files.write(
      to: directory, metadata: metadata, modelFloats: floats, partitionSizes: sizes
    ) { index throws(IndexError) in
      let partition = try partitions.partition(index)
      return HNSWIndexFileIO.partitionBlock(
        rowIds: partition.rows.rowIds, payload: partition.codes, graph: partition.graph)
    }
  }

  /// Opens an index written by `write(to:)`: reads and verifies `hnsw.meta` only; each
  /// partition is read and checksum-verified the first time a search probes it.
  ///
  /// - Throws: `IndexError` `.ioFailure`, `.corruptFile`, `.unsupportedVersion`,
  ///   `.unsupportedIndexType` (the folder holds a plain HNSW index).
  public static func open(at directory: URL) throws(IndexError) -> IVFHNSWIndex {
    let opened = try HNSWIndexFileIO.open(at: directory) { metadata throws(IndexError) in
      guard let ivf = metadata.ivf, ivf.type == .ivfHNSWSQ || ivf.type == .ivfHNSWPQ,
        metadata.type == ivf.type.rawValue
      else {
        throw IndexError(
          .unsupportedIndexType, "\(directory.path): holds a \(metadata.type) index, not IVF_HNSW")
      }
      let dimension = metadata.dimension
      let centroids = metadata.partitionSizes.count * dimension
      if ivf.type == .ivfHNSWSQ { return centroids + 2 * dimension }
      guard let subVectors = ivf.numSubVectors, subVectors > 0, dimension % subVectors == 0,
        ivf.numBits == 4 || ivf.numBits == 8
      else { throw IndexError(.corruptFile, "\(directory.path): PQ parameters are invalid") }
      return centroids + (dimension << ivf.numBits)
    }
    let metadata = opened.metadata
    let ivf = metadata.ivf!
    try metadata.hnsw.validate()
    let dimension = metadata.dimension
    let partitionCount = metadata.partitionSizes.count
    let floats = opened.modelFloats
    let centroids = Array(floats[0..<(partitionCount * dimension)])
    let rest = Array(floats[(partitionCount * dimension)...])
    let quantizer: IVFHNSWQuantizer
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
    let path = opened.partitionsReader.path
    let cache = HNSWPartitionCache(count: partitionCount) { index throws(IndexError) in
      let rows = opened.directory[index].rowCount
      let block = try opened.readBlock(index)
      let parts = try HNSWIndexFileIO.readPartitionBlock(
        block, rows: rows, payloadLength: rows * codeSize, path: path, index: index)
      return IVFHNSWPartition(
        graph: parts.graph, rows: HNSWRowMap(rowIds: parts.rowIds), codes: parts.payload)
    }
    var parameters = IVFHNSWParameters(type: ivf.type, hnsw: metadata.hnsw)
    parameters.ivf = ivf
    return IVFHNSWIndex(
      parameters: parameters, dimension: dimension, rowCount: metadata.rowCount,
      centroids: centroids, quantizer: quantizer, partitions: cache)
  }
}
