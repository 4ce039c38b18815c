import Foundation
import QuiverKernels
import QuiverStorage

/// The two files of an IVF_RQ index folder (Docs/Format.md, "IVF_RQ index files").
public enum IVFRQIndexFiles {
  /// The model: parameters, statistics, centroids, rotation, partition directory.
  public static let model = "rq.meta"
  /// The partitions: row ids, sign planes, extra planes and factors, one block each.
  public static let partitions = "rq.partitions"
  /// The format version this code writes and reads.
  public static let formatVersion: UInt32 = 1
  /// The shared two-file layout with the IVF_RQ names, magics and version.
  static let files = PartitionedIndexFiles(
    modelName: model, partitionsName: partitions, modelMagic: Array("QUIVRQMD".utf8),
    partitionsMagic: Array("QUIVRQPT".utf8), formatVersion: formatVersion, kind: "IVF_RQ")
}

/// The JSON part of `rq.meta`.
private struct IVFRQIndexMetadata: Codable {
  var parameters: IVFIndexParameters
  var statistics: IVFIndexStatistics
  /// Bits of the query integers of the sign scan and of the full estimate; recorded so that a
  /// reader that would estimate differently refuses the file instead of answering differently.
  var signQueryBits: Int
  var fullQueryBits: Int
}

extension IVFRQIndex: PartitionCachingIndex {
  /// The default bound of the partition cache of an opened index: 64 MiB.
  public static let defaultCacheCapacityBytes = 64 << 20

  /// Writes `rq.meta` and `rq.partitions` into `folder` of a storage (the table's
  /// `_indices/<uuid>/`), each durable before this returns.
  /// - Throws: `IndexError.ioFailure` if a file cannot be written, or the error of reading a
  ///   partition of an opened index.
  public func write(to folder: IndexFolder) throws(IndexError) {
    let metadata = IVFRQIndexMetadata(
      parameters: parameters, statistics: statistics,
      signQueryBits: RaBitQuantizer.signQueryBits, fullQueryBits: RaBitQuantizer.fullQueryBits)
    try IVFRQIndexFiles.files.write(
      to: folder, metadata: metadata, modelFloats: centroids + rotation.matrix,
      partitionSizes: statistics.partitionSizes
    ) { index throws(IndexError) in Self.serialize(try partitions.partition(index)) }
  }

  /// A partition's block: row ids, sign planes, extra planes (little-endian 64-bit words), then
  /// factors (float32).
  static func serialize(_ partition: IVFRQPartition) -> [UInt8] {
    var writer = ByteWriter(
      capacity: (partition.rowIds.count + partition.signCodes.count
        + partition.extraCodes.count) * 8 + partition.factors.count * 4)
    for id in partition.rowIds { writer.write(id) }
    writer.write(words: partition.signCodes)
    writer.write(words: partition.extraCodes)
    writer.write(floats: partition.factors)
    return writer.bytes
  }

  /// Opens the index files in `folder` of a storage: reads and verifies `rq.meta` (checksum,
  /// then every shape against the others and the file sizes, finite model values, a rotation
  /// of unit rows) and both ends of `rq.partitions`. Partitions are read on first use,
  /// checksum-verified, their factors checked finite, and cached up to `cacheCapacityBytes`.
  ///
  /// - Throws: `IndexError` `.ioFailure` (missing files), `.corruptFile` (bad magic, checksum,
  ///   lengths, offsets or values), `.unsupportedVersion` (a newer format, or query precisions
  ///   this build does not use).
  public static func open(
    at folder: IndexFolder, cacheCapacityBytes: Int = defaultCacheCapacityBytes
  ) throws(IndexError) -> IVFRQIndex {
    try open(at: folder, cacheCapacityBytes: cacheCapacityBytes, rowBounds: nil)
  }

  /// Opens the index files in `folder` of a storage for a table; each partition's row ids are
  /// checked, when it is read, against the fragments `rq.meta` lists and against `rowBounds`.
  package static func open(
    at folder: IndexFolder, cacheCapacityBytes: Int, rowBounds: IndexRowBounds?
  ) throws(IndexError) -> IVFRQIndex {
    let opened = try IVFRQIndexFiles.files.open(at: folder, as: IVFRQIndexMetadata.self) {
      (metadata, path, modelByteCount) throws(IndexError) in
      let parameters = metadata.parameters
      let statistics = metadata.statistics
      let dimension = statistics.dimension
      let partitions = statistics.partitionSizes.count
      guard metadata.signQueryBits == RaBitQuantizer.signQueryBits,
        metadata.fullQueryBits == RaBitQuantizer.fullQueryBits
      else {
        throw IndexError(
          .unsupportedVersion,
          "\(path): query precision \(metadata.signQueryBits)/\(metadata.fullQueryBits) bits is not one this build uses"
        )
      }
      // Bound every size by the file before multiplying, so hostile metadata cannot overflow.
      guard parameters.type == .ivfRQ, (1...8).contains(parameters.numBits),
        dimension <= maximumDimension,
        IndexMetadataValidation.ivfShapeIsConsistent(
          parameters: parameters, statistics: statistics, modelByteCount: modelByteCount),
        let floats = IndexMetadataValidation.product(partitions + dimension, dimension)
      else {
        throw IndexError(.corruptFile, "\(path): metadata shapes disagree")
      }
      let quantizer = RaBitQuantizer(dimension: dimension, bits: parameters.numBits)
      guard statistics.bytesPerRow == quantizer.bytesPerRow else {
        throw IndexError(
          .corruptFile,
          "\(path): \(statistics.bytesPerRow) bytes per row; \(parameters.numBits)-bit codes of \(dimension) dimensions take \(quantizer.bytesPerRow)"
        )
      }
      return PartitionedIndexFiles.Shape(
        modelFloatCount: floats, partitionSizes: statistics.partitionSizes,
        blockLength: { rows in rows * (8 + quantizer.bytesPerRow) })
    }
    try IndexMetadataValidation.requireFinite(opened.modelFloats, "model", path: opened.path)
    let parameters = opened.metadata.parameters
    let statistics = opened.metadata.statistics
    let dimension = statistics.dimension
    let centroidFloats = statistics.partitionSizes.count * dimension
    let rotation = RaBitQRotation(
      dimension: dimension, matrix: Array(opened.modelFloats[centroidFloats...]))
    guard rotation.hasUnitRows else {
      throw IndexError(.corruptFile, "\(opened.path): the rotation's rows are not unit vectors")
    }
    let quantizer = RaBitQuantizer(dimension: dimension, bits: parameters.numBits)
    let path = opened.partitionsPath
    let cache = PartitionCache<IVFRQPartition>(
      count: statistics.partitionSizes.count, capacityBytes: cacheCapacityBytes,
      byteCount: { $0.byteCount }
    ) { index throws(IndexError) in
      let block = try opened.readBlock(index)
      let partition = try deserialize(
        block, rows: opened.directory[index].rowCount, quantizer: quantizer,
        path: "\(path) partition \(index)")
      try IndexMetadataValidation.requireListedFragments(
        partition.rowIds, statistics.fragmentIds, path: "\(path) partition \(index)")
      try rowBounds?.check(partition.rowIds, path: "\(path) partition \(index)")
      return partition
    }
    return IVFRQIndex(
      parameters: parameters, statistics: statistics,
      centroids: Array(opened.modelFloats[0..<centroidFloats]), rotation: rotation,
      partitions: cache)
  }

  /// Decodes a partition block of `rows` rows (its length already checked by the directory).
  static func deserialize(
    _ block: [UInt8], rows: Int, quantizer: RaBitQuantizer, path: String
  ) throws(IndexError) -> IVFRQPartition {
    let signWords = rows * quantizer.words
    let extraWords = rows * quantizer.extraWords
    let factorCount = rows * quantizer.factorCount
    let factorOffset = (rows + signWords + extraWords) * 8
    guard block.count == factorOffset + factorCount * 4 else {
      throw IndexError(.corruptFile, "\(path): \(block.count) bytes do not hold \(rows) rows")
    }
    let factorBytes = Array(block[factorOffset...])
    try IndexMetadataValidation.requireFinite(floatBytes: factorBytes, "factor", path: path)
    return block.withUnsafeBytes { raw in
      func words(from start: Int, count: Int) -> [UInt64] {
        (0..<count).map {
          UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: (start + $0) * 8, as: UInt64.self))
        }
      }
      let factors = (0..<factorCount).map {
        Float(
          bitPattern: UInt32(
            littleEndian: raw.loadUnaligned(
              fromByteOffset: factorOffset + $0 * 4, as: UInt32.self)))
      }
      return IVFRQPartition(
        rowIds: words(from: 0, count: rows), signCodes: words(from: rows, count: signWords),
        extraCodes: words(from: rows + signWords, count: extraWords), factors: factors)
    }
  }
}
