import Foundation
import QuiverKernels

/// The two files of an IVF index folder (Docs/Format.md, "IVF index files").
public enum IVFIndexFiles {
  /// The model: parameters, statistics, centroids, codebooks or ranges, partition directory.
  public static let model = "ivf.meta"
  /// The partitions: row ids and codes (or vectors), one 64-byte aligned block each.
  public static let partitions = "ivf.partitions"
  /// The format version this code writes (and the newest it reads).
  public static let formatVersion: UInt32 = 1
  /// Magic at both ends of `ivf.meta`.
  static let modelMagic: [UInt8] = Array("QUIVIVFM".utf8)
  /// Magic at both ends of `ivf.partitions`.
  static let partitionsMagic: [UInt8] = Array("QUIVIVFP".utf8)
  /// Bytes of the `ivf.partitions` header (magic, version, reserved, zero padding).
  static let partitionsHeaderLength = 64
  /// Bytes of a partition directory entry.
  static let directoryEntryLength = 32
}

/// The JSON part of `ivf.meta`.
private struct IVFIndexMetadata: Codable {
  var parameters: IVFIndexParameters
  var statistics: IVFIndexStatistics
}

extension IVFIndex {
  /// The default bound of the partition cache of an opened index: 64 MiB.
  public static let defaultCacheCapacityBytes = 64 << 20

  /// Writes the index into `directory` (created if missing) as `ivf.meta` and
  /// `ivf.partitions`, each fsynced. The table stores it at `_indices/<uuid>/`.
  ///
  /// - Throws: `IndexError.inputOutput` if the folder or a file cannot be written, or
  ///   `.corruptFile` if a partition of an opened index cannot be read back.
  public func write(to directory: URL) throws(IndexError) {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw IndexError(.inputOutput, "\(directory.path): cannot create the folder (\(error))")
    }
    let layout = partitionLayout
    var partitionsFile = ByteWriter()
    partitionsFile.append(bytes: IVFIndexFiles.partitionsMagic)
    partitionsFile.append(IVFIndexFiles.formatVersion)
    partitionsFile.append(UInt32(0))
    partitionsFile.pad(to: IVFIndexFiles.partitionsHeaderLength)
    var directoryEntries: [PartitionDirectoryEntry] = []
    for index in 0..<partitionCount {
      let bytes = layout.serialize(try store.partition(index))
      directoryEntries.append(
        PartitionDirectoryEntry(
          offset: partitionsFile.bytes.count, rowCount: statistics.partitionSizes[index],
          length: bytes.count, checksum: CRC32C.checksum(bytes)))
      partitionsFile.append(bytes: bytes)
      partitionsFile.pad(to: 64)
    }
    partitionsFile.append(UInt32(0))
    partitionsFile.append(IVFIndexFiles.formatVersion)
    partitionsFile.append(bytes: IVFIndexFiles.partitionsMagic)

    var model = ByteWriter()
    model.append(bytes: IVFIndexFiles.modelMagic)
    model.append(IVFIndexFiles.formatVersion)
    model.append(UInt32(0))
    let json: [UInt8]
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      json = Array(
        try encoder.encode(IVFIndexMetadata(parameters: parameters, statistics: statistics)))
    } catch {
      throw IndexError(.inputOutput, "cannot encode the index metadata (\(error))")
    }
    model.append(UInt64(json.count))
    model.append(bytes: json)
    model.pad(to: 8)
    model.append(floats: centroids)
    if let productQuantizer { model.append(floats: productQuantizer.codebooks) }
    if let scalarQuantizer {
      model.append(floats: scalarQuantizer.offsets)
      model.append(floats: scalarQuantizer.scales)
    }
    for entry in directoryEntries {
      model.append(UInt64(entry.offset))
      model.append(UInt64(entry.rowCount))
      model.append(UInt64(entry.length))
      model.append(entry.checksum)
      model.append(UInt32(0))
    }
    let checksum = CRC32C.checksum(model.bytes)
    model.append(checksum)
    model.append(IVFIndexFiles.formatVersion)
    model.append(bytes: IVFIndexFiles.modelMagic)

    try Self.writeSynced(
      partitionsFile.bytes, to: directory.appendingPathComponent(IVFIndexFiles.partitions))
    try Self.writeSynced(model.bytes, to: directory.appendingPathComponent(IVFIndexFiles.model))
  }

  /// Opens the index in `directory`: reads and verifies `ivf.meta` (small: centroids,
  /// codebooks, directory) and checks `ivf.partitions`' ends, reading no partition. Partitions
  /// are read on first use, checksum-verified, and cached up to `cacheCapacityBytes`.
  ///
  /// - Throws: `IndexError` `.inputOutput` (missing files), `.corruptFile` (bad magic,
  ///   checksum, lengths or offsets), `.unsupportedVersion` (written by a newer version).
  public static func open(
    at directory: URL, cacheCapacityBytes: Int = defaultCacheCapacityBytes
  ) throws(IndexError) -> IVFIndex {
    let modelReader = try IndexFileReader(directory.appendingPathComponent(IVFIndexFiles.model))
    let path = modelReader.path
    let trailerLength = 16
    guard modelReader.size >= 24 + trailerLength else {
      throw IndexError(.corruptFile, "\(path): \(modelReader.size) bytes is too short")
    }
    let bytes = try modelReader.read(at: 0, length: modelReader.size)
    var header = ByteReader(bytes, path: path)
    let magic = try header.readBytes(8, "magic")
    guard magic == IVFIndexFiles.modelMagic,
      Array(bytes[(bytes.count - 8)...]) == IVFIndexFiles.modelMagic
    else { throw IndexError(.corruptFile, "\(path): not an IVF index model (bad magic)") }
    let version = try header.readUInt32("format version")
    guard version >= 1, version <= IVFIndexFiles.formatVersion else {
      throw IndexError(
        .unsupportedVersion,
        "\(path): format version \(version); this build reads up to \(IVFIndexFiles.formatVersion)")
    }
    var trailer = ByteReader(bytes, path: path, offset: bytes.count - trailerLength)
    let storedChecksum = try trailer.readUInt32("checksum")
    let computed = bytes.withUnsafeBytes {
      CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - trailerLength)]))
    }
    guard storedChecksum == computed else {
      throw IndexError(
        .corruptFile, "\(path): checksum \(computed) does not match the stored \(storedChecksum)")
    }
    _ = try header.readUInt32("reserved")
    let jsonLength = try header.readUInt64("metadata length")
    guard jsonLength <= UInt64(bytes.count) else {
      throw IndexError(.corruptFile, "\(path): metadata length \(jsonLength) exceeds the file")
    }
    let json = try header.readBytes(Int(jsonLength), "metadata")
    let metadata: IVFIndexMetadata
    do {
      metadata = try JSONDecoder().decode(IVFIndexMetadata.self, from: Data(json))
    } catch {
      throw IndexError(.corruptFile, "\(path): metadata is not valid (\(error))")
    }
    header.skip(to: 8)
    let parameters = metadata.parameters
    let statistics = metadata.statistics
    let dimension = statistics.dimension
    let partitions = statistics.partitionSizes.count
    // Bound every size by the file before multiplying, so hostile metadata cannot overflow.
    guard dimension > 0, dimension <= bytes.count / 4, partitions > 0,
      partitions <= bytes.count / 32, statistics.rowCount >= 0,
      statistics.partitionSizes.allSatisfy({ $0 >= 0 && $0 <= Int(UInt32.max) }),
      parameters.type.isPlainIVF,
      parameters.numPartitions == partitions,
      statistics.partitionSizes.reduce(0, +) == statistics.rowCount
    else {
      throw IndexError(.corruptFile, "\(path): metadata shapes disagree")
    }
    let centroids = try header.readFloats(partitions * dimension, "centroids")
    var productQuantizer: ProductQuantizer?
    var scalarQuantizer: ScalarQuantizer?
    switch parameters.type {
    case .ivfPQ:
      guard let subVectors = parameters.numSubVectors, subVectors > 0,
        dimension % subVectors == 0, parameters.numBits == 4 || parameters.numBits == 8
      else { throw IndexError(.corruptFile, "\(path): PQ parameters are invalid") }
      let codebooks = try header.readFloats(dimension << parameters.numBits, "PQ codebooks")
      productQuantizer = ProductQuantizer(
        dimension: dimension, subVectorCount: subVectors, bits: parameters.numBits,
        codebooks: codebooks)
    case .ivfSQ:
      let offsets = try header.readFloats(dimension, "SQ offsets")
      let scales = try header.readFloats(dimension, "SQ scales")
      scalarQuantizer = ScalarQuantizer(dimension: dimension, offsets: offsets, scales: scales)
    default:
      break
    }
    let partitionsReader = try IndexFileReader(
      directory.appendingPathComponent(IVFIndexFiles.partitions))
    guard statistics.partitionSizes.allSatisfy({ $0 <= partitionsReader.size / 8 }) else {
      throw IndexError(
        .corruptFile, "\(path): partition sizes exceed what \(partitionsReader.path) can hold")
    }
    let layout = IVFIndex(
      parameters: parameters, statistics: statistics, centroids: centroids,
      productQuantizer: productQuantizer, scalarQuantizer: scalarQuantizer,
      store: PartitionStore(partitions: [])
    ).partitionLayout
    var directoryEntries: [PartitionDirectoryEntry] = []
    let dataEnd = partitionsReader.size - trailerLength
    for index in 0..<partitions {
      let offset = try header.readUInt64("directory offset")
      let rows = try header.readUInt64("directory row count")
      let length = try header.readUInt64("directory length")
      let checksum = try header.readUInt32("directory checksum")
      _ = try header.readUInt32("directory reserved")
      guard rows == UInt64(statistics.partitionSizes[index]),
        length == UInt64(layout.serializedLength(rows: Int(rows))),
        offset >= UInt64(IVFIndexFiles.partitionsHeaderLength), offset % 64 == 0,
        offset <= UInt64(max(dataEnd, 0)), length <= UInt64(max(dataEnd, 0)) - offset
      else {
        throw IndexError(
          .corruptFile,
          "\(path): directory entry \(index) (offset \(offset), \(rows) rows, \(length) bytes) does not fit \(partitionsReader.path)"
        )
      }
      directoryEntries.append(
        PartitionDirectoryEntry(
          offset: Int(offset), rowCount: Int(rows), length: Int(length), checksum: checksum))
    }
    guard header.offset == bytes.count - trailerLength else {
      throw IndexError(
        .corruptFile,
        "\(path): \(bytes.count - trailerLength - header.offset) unexpected bytes before the footer"
      )
    }
    let head = try partitionsReader.read(at: 0, length: 12)
    let tail = try partitionsReader.read(at: dataEnd, length: trailerLength)
    guard Array(head[0..<8]) == IVFIndexFiles.partitionsMagic,
      Array(tail[8..<16]) == IVFIndexFiles.partitionsMagic
    else {
      throw IndexError(.corruptFile, "\(partitionsReader.path): not IVF partitions (bad magic)")
    }
    var headReader = ByteReader(head, path: partitionsReader.path, offset: 8)
    guard try headReader.readUInt32("format version") == version else {
      throw IndexError(
        .corruptFile, "\(partitionsReader.path): format version differs from \(path)")
    }
    return IVFIndex(
      parameters: parameters, statistics: statistics, centroids: centroids,
      productQuantizer: productQuantizer, scalarQuantizer: scalarQuantizer,
      store: PartitionStore(
        reader: partitionsReader, directory: directoryEntries, layout: layout,
        cacheCapacityBytes: cacheCapacityBytes))
  }

  /// Partitions read from disk since `open` (cache misses); 0 for a built index.
  public var partitionReads: Int { store.diskReads }

  /// Partitions held in the cache of an opened index.
  public var cachedPartitionCount: Int { store.cachedPartitionCount }

  private static func writeSynced(_ bytes: [UInt8], to url: URL) throws(IndexError) {
    do {
      guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
        throw IndexError(.inputOutput, "\(url.path): cannot create")
      }
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }
      try handle.write(contentsOf: bytes)
      try handle.synchronize()
    } catch let error as IndexError {
      throw error
    } catch {
      throw IndexError(.inputOutput, "\(url.path): cannot write (\(error))")
    }
  }
}
