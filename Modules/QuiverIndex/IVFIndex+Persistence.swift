import Foundation
import QuiverKernels

/// The two files of an IVF index folder (Docs/Format.md, "IVF index files").
public enum IVFIndexFiles {
  /// The model: parameters, statistics, centroids, codebooks or ranges, partition directory.
  public static let model = "ivf.meta"
  /// The partitions: row ids and codes (or vectors), one 64-byte aligned block each.
  public static let partitions = "ivf.partitions"
  /// The newest format version this code writes and reads. Version 2 stores 4-bit IVF_PQ codes
  /// in fast-scan blocks (`codeLayout` in the metadata); every other index is still written as
  /// version 1, byte for byte as before, so older readers keep reading it.
  public static let formatVersion: UInt32 = 2
  /// The version written for indexes without fast-scan blocks.
  static let baseFormatVersion: UInt32 = 1
  /// The metadata's `codeLayout` of 4-bit IVF_PQ codes in blocks of 32 rows (version 2).
  static let fastScanCodeLayout = "pq4-fast-scan-blocks-32"
  /// The shared two-file layout with the IVF names, magics and version.
  static let files = PartitionedIndexFiles(
    modelName: model, partitionsName: partitions, modelMagic: Array("QUIVIVFM".utf8),
    partitionsMagic: Array("QUIVIVFP".utf8), formatVersion: formatVersion, kind: "IVF")
}

/// The JSON part of `ivf.meta`.
private struct IVFIndexMetadata: Codable {
  var parameters: IVFIndexParameters
  var statistics: IVFIndexStatistics
  /// `IVFIndexFiles.fastScanCodeLayout` when 4-bit codes are stored in blocks (version 2);
  /// absent for row-major codes.
  var codeLayout: String?
}

extension IVFIndex: PartitionCachingIndex {
  /// The default bound of the partition cache of an opened index: 64 MiB.
  public static let defaultCacheCapacityBytes = 64 << 20

  /// Writes `ivf.meta` and `ivf.partitions` into `folder` of a storage (the table's
  /// `_indices/<uuid>/`), each durable before this returns.
  ///
  /// - Throws: `IndexError.ioFailure` if the folder or a file cannot be written, or
  ///   `.corruptFile` if a partition of an opened index cannot be read back.
  public func write(to folder: IndexFolder) throws(IndexError) {
    let layout = partitionLayout
    var modelFloats = centroids
    if let productQuantizer { modelFloats += productQuantizer.codebooks }
    if let scalarQuantizer { modelFloats += scalarQuantizer.offsets + scalarQuantizer.scales }
    let blocked = layout.fastScanSubVectorCount > 0
    var files = IVFIndexFiles.files
    if !blocked { files.formatVersion = IVFIndexFiles.baseFormatVersion }
    try files.write(
      to: folder,
      metadata: IVFIndexMetadata(
        parameters: parameters, statistics: statistics,
        codeLayout: blocked ? IVFIndexFiles.fastScanCodeLayout : nil),
      modelFloats: modelFloats, partitionSizes: statistics.partitionSizes
    ) { index throws(IndexError) in layout.serialize(try store.partition(index)) }
  }

  /// Opens the index files in `folder` of a storage: reads and verifies `ivf.meta` (small:
  /// centroids, codebooks, directory) and checks `ivf.partitions`' ends, reading no partition.
  /// Partitions are read on first use, checksum-verified, and cached up to `cacheCapacityBytes`.
  ///
  /// - Throws: `IndexError` `.ioFailure` (missing files), `.corruptFile` (bad magic,
  ///   checksum, lengths or offsets), `.unsupportedVersion` (written by a newer version).
  public static func open(
    at folder: IndexFolder, cacheCapacityBytes: Int = defaultCacheCapacityBytes
  ) throws(IndexError) -> IVFIndex {
    try open(at: folder, cacheCapacityBytes: cacheCapacityBytes, rowBounds: nil)
  }

  /// Opens the index files in `folder` of a storage for a table; each partition's row ids are
  /// checked against `rowBounds` when it is read.
  package static func open(
    at folder: IndexFolder, cacheCapacityBytes: Int, rowBounds: IndexRowBounds?
  ) throws(IndexError) -> IVFIndex {
    let opened = try IVFIndexFiles.files.open(at: folder, as: IVFIndexMetadata.self) {
      (metadata, path, modelByteCount) throws(IndexError) in
      let parameters = metadata.parameters
      let statistics = metadata.statistics
      let dimension = statistics.dimension
      let partitions = statistics.partitionSizes.count
      // Bound every size by the file before multiplying, so hostile metadata cannot overflow.
      guard parameters.type.isPlainIVF,
        IndexMetadataValidation.ivfShapeIsConsistent(
          parameters: parameters, statistics: statistics, modelByteCount: modelByteCount)
      else {
        throw IndexError(.corruptFile, "\(path): metadata shapes disagree")
      }
      var floatCount = partitions * dimension
      var productCodeSize = 0
      var fastScanSubVectorCount = 0
      if let codeLayout = metadata.codeLayout {
        guard codeLayout == IVFIndexFiles.fastScanCodeLayout, parameters.type == .ivfPQ,
          parameters.numBits == 4
        else {
          throw IndexError(
            .unsupportedVersion,
            "\(path): code layout '\(codeLayout)' for \(parameters.type.rawValue) \(parameters.numBits)-bit is not one this build reads"
          )
        }
      }
      switch parameters.type {
      case .ivfPQ:
        guard let subVectors = parameters.numSubVectors, subVectors > 0,
          dimension % subVectors == 0, parameters.numBits == 4 || parameters.numBits == 8
        else { throw IndexError(.corruptFile, "\(path): PQ parameters are invalid") }
        floatCount += dimension << parameters.numBits
        productCodeSize = ProductQuantizer.codeSize(
          subVectorCount: subVectors, bits: parameters.numBits)
        if parameters.numBits == 4 { fastScanSubVectorCount = subVectors }
      case .ivfSQ:
        floatCount += 2 * dimension
      default:
        break
      }
      var layout = IVFIndex.partitionLayout(
        type: parameters.type, metric: parameters.metric, dimension: dimension,
        productCodeSize: productCodeSize, fastScanSubVectorCount: fastScanSubVectorCount)
      // Version 1 files hold 4-bit codes row-major.
      layout.packsCodesOnRead = fastScanSubVectorCount > 0 && metadata.codeLayout == nil
      return PartitionedIndexFiles.Shape(
        modelFloatCount: floatCount, partitionSizes: statistics.partitionSizes,
        blockLength: layout.serializedLength(rows:))
    }
    let parameters = opened.metadata.parameters
    let statistics = opened.metadata.statistics
    let dimension = statistics.dimension
    let floats = opened.modelFloats
    try IndexMetadataValidation.requireFinite(floats, "model", path: opened.path)
    let centroidCount = statistics.partitionSizes.count * dimension
    let centroids = Array(floats[0..<centroidCount])
    var productQuantizer: ProductQuantizer?
    var scalarQuantizer: ScalarQuantizer?
    switch parameters.type {
    case .ivfPQ:
      productQuantizer = ProductQuantizer(
        dimension: dimension, subVectorCount: parameters.numSubVectors!,
        bits: parameters.numBits, codebooks: Array(floats[centroidCount...]))
    case .ivfSQ:
      scalarQuantizer = ScalarQuantizer(
        dimension: dimension, offsets: Array(floats[centroidCount..<(centroidCount + dimension)]),
        scales: Array(floats[(centroidCount + dimension)...]))
    default:
      break
    }
    var layout = IVFIndex.partitionLayout(
      type: parameters.type, metric: parameters.metric, dimension: dimension,
      productCodeSize: productQuantizer?.codeSize ?? 0,
      fastScanSubVectorCount: productQuantizer?.fastScanSubVectorCount ?? 0)
    layout.packsCodesOnRead =
      layout.fastScanSubVectorCount > 0 && opened.metadata.codeLayout == nil
    return IVFIndex(
      parameters: parameters, statistics: statistics, centroids: centroids,
      productQuantizer: productQuantizer, scalarQuantizer: scalarQuantizer,
      store: PartitionStore(
        reader: opened.partitionsReader, path: opened.partitionsPath, directory: opened.directory,
        layout: layout, fragmentIDs: statistics.fragmentIds, rowBounds: rowBounds,
        cacheCapacityBytes: cacheCapacityBytes))
  }

  /// Partitions read from disk since `open` (cache misses); 0 for a built index.
  public var partitionReads: Int { store.diskReads }

  /// Partitions held in the cache of an opened index.
  public var cachedPartitionCount: Int { store.cachedPartitionCount }
}
