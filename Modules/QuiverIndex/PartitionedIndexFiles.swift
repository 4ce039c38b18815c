import Foundation
import QuiverKernels
import QuiverStorage

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
    var partitionsReader: any StorageReader
    /// The partitions file's location (for error messages).
    var partitionsPath: String
    /// The model file's location (for error messages).
    var path: String

    /// Partition `index`'s block, checksum verified.
    func readBlock(_ index: Int) throws(IndexError) -> [UInt8] {
      try PartitionedIndexFiles.readBlock(
        from: partitionsReader, path: partitionsPath, entry: directory[index], index: index)
    }
  }

  /// Writes the partitions file (streamed block by block), then the model file, into `folder`,
  /// each a new object of its storage (durable when the storage is; a file of an earlier write
  /// there is replaced). `block(i)` gives partition `i`'s bytes; `partitionSizes[i]` its rows.
  /// If anything fails, no partial file is left.
  ///
  /// - Throws: `IndexError.ioFailure` if a file cannot be written, or what `block` throws.
  func write(
    to folder: IndexFolder, metadata: some Encodable, modelFloats: [Float], partitionSizes: [Int],
    block: (Int) throws(IndexError) -> [UInt8]
  ) throws(IndexError) {
    let json: [UInt8]
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      json = Array(try encoder.encode(metadata))
    } catch {
      throw IndexError(.ioFailure, "cannot encode the index metadata (\(error))", underlying: error)
    }
    try IndexError.translatingStorageErrors {
      let partitions = try folder.newFile(partitionsName)
      var entries: [PartitionDirectoryEntry] = []
      do {
        var header = ByteWriter(capacity: Self.partitionsHeaderLength)
        header.write(partitionsMagic)
        header.write(formatVersion)
        header.write(UInt32(0))
        header.pad(toMultipleOf: Self.partitionsHeaderLength)
        try partitions.write(header.bytes)
        for index in partitionSizes.indices {
          let bytes = try block(index)
          entries.append(
            PartitionDirectoryEntry(
              offset: partitions.bytesWritten, rowCount: partitionSizes[index],
              length: bytes.count, checksum: CRC32C.checksum(bytes)))
          try partitions.write(bytes)
          try partitions.write([UInt8](repeating: 0, count: (64 - bytes.count % 64) % 64))
        }
        var trailer = ByteWriter(capacity: Self.trailerLength)
        trailer.write(UInt32(0))
        trailer.write(formatVersion)
        trailer.write(partitionsMagic)
        try partitions.write(trailer.bytes)
        try partitions.finish()
      } catch {
        partitions.abort()
        throw error
      }

      var model = ByteWriter()
      model.write(modelMagic)
      model.write(formatVersion)
      model.write(UInt32(0))
      model.write(UInt64(json.count))
      model.write(json)
      model.pad(toMultipleOf: 8)
      model.write(floats: modelFloats)
      for entry in entries {
        model.write(UInt64(entry.offset))
        model.write(UInt64(entry.rowCount))
        model.write(UInt64(entry.length))
        model.write(entry.checksum)
        model.write(UInt32(0))
      }
      model.write(CRC32C.checksum(model.bytes))
      model.write(formatVersion)
      model.write(modelMagic)
      let modelFile = try folder.newFile(modelName)
      do {
        try modelFile.write(model.bytes)
        try modelFile.finish()
      } catch {
        modelFile.abort()
        throw error
      }
    }
  }

  /// Deletes both files from `folder` (best effort): what a failed build leaves.
  func remove(from folder: IndexFolder) {
    for name in [partitionsName, modelName] {
      guard let path = try? folder.path.appending(name: name) else { continue }
      try? folder.storage.delete(path)
    }
  }

  /// Reads and verifies the model file in `folder` (magics, version, checksum, directory
  /// against the partitions file's size) and both ends of the partitions file, reading no block.
  /// `shape(metadata, modelPath, modelByteCount)` validates the decoded JSON and says what
  /// follows it; it may throw its own errors.
  ///
  /// - Throws: `IndexError` `.ioFailure` (missing files, or not regular files),
  ///   `.corruptFile` (bad magic, checksum, JSON, lengths or offsets), `.unsupportedVersion`
  ///   (a newer format version).
  func open<Metadata: Decodable & Sendable>(
    at folder: IndexFolder, as _: Metadata.Type,
    shape: (Metadata, _ path: String, _ modelByteCount: Int) throws(IndexError) -> Shape
  ) throws(IndexError) -> Opened<Metadata> {
    try IndexError.translatingStorageErrors {
      let trailerLength = Self.trailerLength
      let modelPath = try folder.path.appending(name: modelName)
      let path = folder.storage.describe(modelPath)
      let modelReader = try folder.storage.openReader(modelPath)
      guard modelReader.size >= 24 + trailerLength else {
        throw IndexError(.corruptFile, "\(path): \(modelReader.size) bytes is too short")
      }
      let bytes = try modelReader.read(at: 0, count: modelReader.size)
      let partitionsPath = try folder.path.appending(name: partitionsName)
      let partitionsLocation = folder.storage.describe(partitionsPath)
      let (metadata, modelFloats, partitionsReader, entries, version) = try bytes.withUnsafeBytes {
        raw in
        var header = ByteReader(raw, context: path)
        guard try header.readBytes(8, "magic").elementsEqual(modelMagic),
          bytes[(bytes.count - 8)...].elementsEqual(modelMagic)
        else { throw IndexError(.corruptFile, "\(path): not an \(kind) index model (bad magic)") }
        let version = try header.read(UInt32.self, "format version")
        guard version >= 1, version <= formatVersion else {
          throw IndexError(
            .unsupportedVersion,
            "\(path): format version \(version); this build reads up to \(formatVersion)")
        }
        var trailer = ByteReader(raw, position: bytes.count - trailerLength, context: path)
        let storedChecksum = try trailer.read(UInt32.self, "checksum")
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<(bytes.count - trailerLength)]))
        guard storedChecksum == computed else {
          throw IndexError(
            .corruptFile, "\(path): checksum \(computed) does not match the stored \(storedChecksum)")
        }
        _ = try header.read(UInt32.self, "reserved")
        let jsonLength = try header.read(UInt64.self, "metadata length")
        guard jsonLength <= UInt64(bytes.count) else {
          throw IndexError(.corruptFile, "\(path): metadata length \(jsonLength) exceeds the file")
        }
        let json = try header.readBytes(Int(jsonLength), "metadata")
        let metadata: Metadata
        do {
          metadata = try JSONDecoder().decode(Metadata.self, from: Data(json))
        } catch {
          throw IndexError(.corruptFile, "\(path): metadata is not valid (\(error))")
        }
        header.skip(toMultipleOf: 8)
        let described = try shape(metadata, path, bytes.count)
        let modelFloats = try header.readFloats(described.modelFloatCount, "model floats")
        let partitionsReader = try folder.storage.openReader(partitionsPath)
        let rowLimit = partitionsReader.size / 8
        guard described.partitionSizes.allSatisfy({ $0 >= 0 && $0 <= rowLimit }) else {
          throw IndexError(
            .corruptFile, "\(path): partition sizes exceed what \(partitionsLocation) can hold")
        }
        let dataEnd = max(partitionsReader.size - trailerLength, 0)
        var entries: [PartitionDirectoryEntry] = []
        for (index, size) in described.partitionSizes.enumerated() {
          let offset = try header.read(UInt64.self, "directory offset")
          let rows = try header.read(UInt64.self, "directory row count")
          let length = try header.read(UInt64.self, "directory length")
          let checksum = try header.read(UInt32.self, "directory checksum")
          _ = try header.read(UInt32.self, "directory reserved")
          guard rows == UInt64(size),
            described.blockLength.map({ length == UInt64($0(size)) }) ?? true,
            offset >= UInt64(Self.partitionsHeaderLength), offset % 64 == 0,
            offset <= UInt64(dataEnd), length <= UInt64(dataEnd) - offset
          else {
            throw IndexError(
              .corruptFile,
              "\(path): directory entry \(index) (offset \(offset), \(rows) rows, \(length) bytes) does not fit \(partitionsLocation)"
            )
          }
          entries.append(
            PartitionDirectoryEntry(
              offset: Int(offset), rowCount: size, length: Int(length), checksum: checksum))
        }
        guard header.position == bytes.count - trailerLength else {
          throw IndexError(
            .corruptFile,
            "\(path): \(bytes.count - trailerLength - header.position) unexpected bytes before the footer"
          )
        }
        return (metadata, modelFloats, partitionsReader, entries, version)
      }
      guard partitionsReader.size >= trailerLength else {
        throw IndexError(.corruptFile, "\(partitionsLocation): \(partitionsReader.size) bytes is too short")
      }
      let head = try partitionsReader.read(at: 0, count: 12)
      let tail = try partitionsReader.read(
        at: partitionsReader.size - trailerLength, count: trailerLength)
      guard head[0..<8].elementsEqual(partitionsMagic), tail[8..<16].elementsEqual(partitionsMagic)
      else {
        throw IndexError(.corruptFile, "\(partitionsLocation): not \(kind) partitions (bad magic)")
      }
      let headVersion = head.withUnsafeBytes {
        UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
      }
      guard headVersion == version else {
        throw IndexError(
          .corruptFile, "\(partitionsLocation): format version differs from \(path)")
      }
      return Opened(
        metadata: metadata, modelFloats: modelFloats, directory: entries,
        partitionsReader: partitionsReader, partitionsPath: partitionsLocation, path: path)
    }
  }

  /// Reads the block `entry` points at (partition `index`) and verifies its checksum.
  ///
  /// - Throws: `IndexError.corruptFile` when the range is outside the file or the checksum
  ///   differs, `.ioFailure` when the read fails.
  static func readBlock(
    from reader: any StorageReader, path: String, entry: PartitionDirectoryEntry, index: Int
  ) throws(IndexError) -> [UInt8] {
    let bytes = try IndexError.translatingStorageErrors {
      try reader.read(at: entry.offset, count: entry.length)
    }
    let checksum = CRC32C.checksum(bytes)
    guard checksum == entry.checksum else {
      throw IndexError(
        .corruptFile,
        "\(path): partition \(index) checksum \(checksum) does not match \(entry.checksum)")
    }
    return bytes
  }
}
