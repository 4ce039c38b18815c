import Foundation
import QuiverKernels

/// Where a serialized partition lives in a partitions file (`ivf.partitions`, `hnsw.partitions`).
package struct PartitionDirectoryEntry: Sendable, Hashable {
  /// Absolute byte offset (64-byte aligned).
  package var offset: Int
  /// Rows in the partition.
  package var rowCount: Int
  /// Serialized bytes.
  package var length: Int
  /// CRC32C of those bytes.
  package var checksum: UInt32
}

/// The two-file layout shared by the IVF and HNSW index folders (Docs/Format.md, "Index files"):
/// a model file (magic, version, reserved, JSON metadata, model floats, partition directory,
/// CRC32C, version, magic) and a partitions file (64-byte header, 64-byte aligned checksummed
/// blocks, trailer). Each format configures its file names, magics and version; what its JSON
/// and blocks hold is its own business.
struct PartitionedIndexFiles: Sendable {
  /// The model file's name (`ivf.meta`, `hnsw.meta`).
  var modelName: String
  /// The partitions file's name (`ivf.partitions`, `hnsw.partitions`).
  var partitionsName: String
  /// Magic at both ends of the model file (8 bytes).
  var modelMagic: [UInt8]
  /// Magic at both ends of the partitions file (8 bytes).
  var partitionsMagic: [UInt8]
  /// The format version written (and the newest read).
  var formatVersion: UInt32
  /// The family named in bad-magic messages ("IVF", "HNSW").
  var kind: String

  /// Bytes of the partitions file's header (magic, version, reserved, zero padding).
  static let partitionsHeaderLength = 64
  /// Bytes of either file's trailer (checksum or reserved, version, magic).
  static let trailerLength = 16

  /// What the format-specific metadata says about the rest of the model file.
  struct Shape {
    /// Floats between the JSON (padded to 8) and the directory.
    var modelFloatCount: Int
    /// Rows per partition; the directory has one entry per partition.
    var partitionSizes: [Int]
    /// The exact byte length of a block of so many rows, when the format fixes it.
    var blockLength: ((Int) -> Int)?
  }

  /// What `open` read and verified.
  struct Opened<Metadata: Sendable>: Sendable {
    /// The decoded JSON metadata.
    var metadata: Metadata
    /// The model floats that follow the JSON.
    var modelFloats: [Float]
    /// One entry per partition, each checked to fit the partitions file.
    var directory: [PartitionDirectoryEntry]
    /// The partitions file, both ends checked.
    var partitionsReader: IndexFileReader
    /// The model file's path (for error messages).
    var path: String

    /// Partition `index`'s block, checksum verified.
    func readBlock(_ index: Int) throws(IndexError) -> [UInt8] {
      try PartitionedIndexFiles.readBlock(
        from: partitionsReader, entry: directory[index], index: index)
    }
  }

  /// Writes the partitions file, then the model file, into `directory` (created if missing),
  /// each fsynced. `block(i)` gives partition `i`'s bytes; `partitionSizes[i]` its rows.
  ///
  /// - Throws: `IndexError.ioFailure` if the folder or a file cannot be written, or what
  ///   `block` throws.
  func write(
    to directory: URL, metadata: some Encodable, modelFloats: [Float], partitionSizes: [Int],
    block: (Int) throws(IndexError) -> [UInt8]
  ) throws(IndexError) {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw IndexError(.ioFailure, "\(directory.path): cannot create the folder (\(error))",
        underlying: error)
    }
    var partitionsFile = ByteWriter()
    partitionsFile.append(bytes: partitionsMagic)
    partitionsFile.append(formatVersion)
    partitionsFile.append(UInt32(0))
    partitionsFile.pad(to: Self.partitionsHeaderLength)
    var entries: [PartitionDirectoryEntry] = []
    for index in partitionSizes.indices {
      let bytes = try block(index)
      entries.append(
        PartitionDirectoryEntry(
          offset: partitionsFile.bytes.count, rowCount: partitionSizes[index],
          length: bytes.count, checksum: CRC32C.checksum(bytes)))
      partitionsFile.append(bytes: bytes)
      partitionsFile.pad(to: 64)
    }
    partitionsFile.append(UInt32(0))
    partitionsFile.append(formatVersion)
    partitionsFile.append(bytes: partitionsMagic)

    var model = ByteWriter()
    model.append(bytes: modelMagic)
    model.append(formatVersion)
    model.append(UInt32(0))
    let json: [UInt8]
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      json = Array(try encoder.encode(metadata))
    } catch {
      throw IndexError(.ioFailure, "cannot encode the index metadata (\(error))", underlying: error)
    }
    model.append(UInt64(json.count))
    model.append(bytes: json)
    model.pad(to: 8)
    model.append(floats: modelFloats)
    for entry in entries {
      model.append(UInt64(entry.offset))
      model.append(UInt64(entry.rowCount))
      model.append(UInt64(entry.length))
      model.append(entry.checksum)
      model.append(UInt32(0))
    }
    model.append(CRC32C.checksum(model.bytes))
    model.append(formatVersion)
    model.append(bytes: modelMagic)

    try Self.writeSynced(
      partitionsFile.bytes, to: directory.appendingPathComponent(partitionsName))
    try Self.writeSynced(model.bytes, to: directory.appendingPathComponent(modelName))
  }

  /// Reads and verifies the model file in `directory` (magics, version, checksum, directory
  /// against the partitions file's size) and both ends of the partitions file, reading no block.
  /// `shape(metadata, modelPath, modelByteCount)` validates the decoded JSON and says what
  /// follows it; it may throw its own errors.
  ///
  /// - Throws: `IndexError` `.ioFailure` (missing files), `.corruptFile` (bad magic,
  ///   checksum, JSON, lengths or offsets), `.unsupportedVersion` (a newer format version).
  func open<Metadata: Decodable & Sendable>(
    at directory: URL, as _: Metadata.Type,
    shape: (Metadata, _ path: String, _ modelByteCount: Int) throws(IndexError) -> Shape
  ) throws(IndexError) -> Opened<Metadata> {
    let trailerLength = Self.trailerLength
    let modelReader = try IndexFileReader(directory.appendingPathComponent(modelName))
    let path = modelReader.path
    guard modelReader.size >= 24 + trailerLength else {
      throw IndexError(.corruptFile, "\(path): \(modelReader.size) bytes is too short")
    }
    let bytes = try modelReader.read(at: 0, length: modelReader.size)
    var header = ByteReader(bytes, path: path)
    guard try header.readBytes(8, "magic") == modelMagic,
      Array(bytes[(bytes.count - 8)...]) == modelMagic
    else { throw IndexError(.corruptFile, "\(path): not an \(kind) index model (bad magic)") }
    let version = try header.readUInt32("format version")
    guard version >= 1, version <= formatVersion else {
      throw IndexError(
        .unsupportedVersion,
        "\(path): format version \(version); this build reads up to \(formatVersion)")
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
    let metadata: Metadata
    do {
      metadata = try JSONDecoder().decode(Metadata.self, from: Data(json))
    } catch {
      throw IndexError(.corruptFile, "\(path): metadata is not valid (\(error))", underlying: error)
    }
    header.skip(to: 8)
    let described = try shape(metadata, path, bytes.count)
    let modelFloats = try header.readFloats(described.modelFloatCount, "model floats")
    let partitionsReader = try IndexFileReader(directory.appendingPathComponent(partitionsName))
    let rowLimit = partitionsReader.size / 8
    guard described.partitionSizes.allSatisfy({ $0 >= 0 && $0 <= rowLimit }) else {
      throw IndexError(
        .corruptFile, "\(path): partition sizes exceed what \(partitionsReader.path) can hold")
    }
    let dataEnd = max(partitionsReader.size - trailerLength, 0)
    var entries: [PartitionDirectoryEntry] = []
    for (index, size) in described.partitionSizes.enumerated() {
      let offset = try header.readUInt64("directory offset")
      let rows = try header.readUInt64("directory row count")
      let length = try header.readUInt64("directory length")
      let checksum = try header.readUInt32("directory checksum")
      _ = try header.readUInt32("directory reserved")
      guard rows == UInt64(size),
        described.blockLength.map({ length == UInt64($0(size)) }) ?? true,
        offset >= UInt64(Self.partitionsHeaderLength), offset % 64 == 0,
        offset <= UInt64(dataEnd), length <= UInt64(dataEnd) - offset
      else {
        throw IndexError(
          .corruptFile,
          "\(path): directory entry \(index) (offset \(offset), \(rows) rows, \(length) bytes) does not fit \(partitionsReader.path)"
        )
      }
      entries.append(
        PartitionDirectoryEntry(
          offset: Int(offset), rowCount: size, length: Int(length), checksum: checksum))
    }
    guard header.offset == bytes.count - trailerLength else {
      throw IndexError(
        .corruptFile,
        "\(path): \(bytes.count - trailerLength - header.offset) unexpected bytes before the footer"
      )
    }
    let head = try partitionsReader.read(at: 0, length: 12)
    let tail = try partitionsReader.read(
      at: partitionsReader.size - trailerLength, length: trailerLength)
    guard Array(head[0..<8]) == partitionsMagic, Array(tail[8..<16]) == partitionsMagic else {
      throw IndexError(
        .corruptFile, "\(partitionsReader.path): not \(kind) partitions (bad magic)")
    }
    var headReader = ByteReader(head, path: partitionsReader.path, offset: 8)
    guard try headReader.readUInt32("format version") == version else {
      throw IndexError(
        .corruptFile, "\(partitionsReader.path): format version differs from \(path)")
    }
    return Opened(
      metadata: metadata, modelFloats: modelFloats, directory: entries,
      partitionsReader: partitionsReader, path: path)
  }

  /// Reads the block `entry` points at (partition `index`) and verifies its checksum.
  ///
  /// - Throws: `IndexError.corruptFile` when the range is outside the file or the checksum
  ///   differs, `.ioFailure` when the read fails.
  static func readBlock(
    from reader: IndexFileReader, entry: PartitionDirectoryEntry, index: Int
  ) throws(IndexError) -> [UInt8] {
    let bytes = try reader.read(at: entry.offset, length: entry.length)
    let checksum = CRC32C.checksum(bytes)
    guard checksum == entry.checksum else {
      throw IndexError(
        .corruptFile,
        "\(reader.path): partition \(index) checksum \(checksum) does not match \(entry.checksum)")
    }
    return bytes
  }

  /// Writes `bytes` to `url` (replacing it) and fsyncs it.
  ///
  /// - Throws: `IndexError.ioFailure` naming the file.
  static func writeSynced(_ bytes: [UInt8], to url: URL) throws(IndexError) {
    guard FileManager.default.createFile(atPath: url.path, contents: nil),
      let handle = FileHandle(forWritingAtPath: url.path)
    else { throw IndexError(.ioFailure, "\(url.path): cannot create") }
    defer { try? handle.close() }
    do {
      try handle.write(contentsOf: bytes)
      try handle.synchronize()
    } catch {
      throw IndexError(.ioFailure, "\(url.path): cannot write (\(error))", underlying: error)
    }
  }
}
