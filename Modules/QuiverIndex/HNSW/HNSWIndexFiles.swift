import Foundation
import QuiverKernels

/// The two files of an HNSW-family index folder (Docs/Format.md, "HNSW index files"), written
/// by `HNSWIndex.write(to:)` and `IVFHNSWIndex.write(to:)`: the same shape as the IVF files.
public enum HNSWIndexFiles {
  /// The model: JSON metadata, centroids, quantizer, partition directory.
  public static let model = "hnsw.meta"
  /// The partitions: per partition row ids, codes or vectors, and the graph block.
  public static let partitions = "hnsw.partitions"
  /// The format version this code writes (and the newest it reads).
  public static let formatVersion: UInt32 = 1
  static let modelMagic: [UInt8] = Array("QUIVHNSM".utf8)
  static let partitionsMagic: [UInt8] = Array("QUIVHNSP".utf8)
  static let partitionsHeaderLength = 64
  static let trailerLength = 16
}

/// The JSON part of `hnsw.meta`.
struct HNSWIndexMetadata: Codable {
  /// "HNSW", "IVF_HNSW_SQ" or "IVF_HNSW_PQ".
  var type: String
  var metric: DistanceMetric
  var dimension: Int
  var rowCount: Int
  /// The graph parameters (HNSW).
  var hnsw: HNSWParameters
  /// The IVF and quantizer parameters (IVF_HNSW_*; nil for HNSW).
  var ivf: IVFIndexParameters?
  var partitionSizes: [Int]
}

/// One partition's place in `hnsw.partitions`.
struct HNSWPartitionEntry: Sendable {
  var offset: Int
  var rowCount: Int
  var length: Int
  var checksum: UInt32
}

/// Writing and reading the two files.
enum HNSWIndexFileIO {
  /// One partition block: row ids (u64), the payload (codes or floats) padded to 8 bytes, the
  /// graph block.
  static func partitionBlock(rowIds: [UInt64], payload: [UInt8], graph: HNSWGraph) -> [UInt8] {
    var writer = ByteWriter()
    writer.append(words: rowIds)
    writer.append(bytes: payload)
    writer.pad(to: 8)
    writer.append(bytes: graph.serialized())
    return writer.bytes
  }

  /// Splits a partition block read back (after its checksum was verified).
  static func readPartitionBlock(
    _ bytes: [UInt8], rows: Int, payloadLength: Int, path: String, index: Int
  ) throws(IndexError) -> (rowIds: [UInt64], payload: [UInt8], graph: HNSWGraph) {
    var reader = ByteReader(bytes, path: path)
    let rowIds = try reader.readWords(rows, "partition \(index) row ids")
    let payload = try reader.readBytes(payloadLength, "partition \(index) codes")
    reader.skip(to: 8)
    let graphOffset = reader.offset
    let parsed = bytes.withUnsafeBytes { raw in
      Result { () throws(IndexError) -> HNSWGraph in
        try HNSWGraph(
          bytes: UnsafeRawBufferPointer(rebasing: raw[graphOffset...]),
          context: "\(path), partition \(index)")
      }
    }
    let graph = try parsed.get()
    guard graph.nodeCount == rows else {
      throw IndexError(
        .corruptFile, "\(path): partition \(index) graph has \(graph.nodeCount) nodes, not \(rows)")
    }
    return (rowIds, payload, graph)
  }

  /// Writes both files into `directory`.
  static func write(
    to directory: URL, metadata: HNSWIndexMetadata, modelFloats: [Float],
    partitionCount: Int, block: (Int) throws(IndexError) -> [UInt8]
  ) throws(IndexError) {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw IndexError(.inputOutput, "\(directory.path): cannot create the folder (\(error))")
    }
    var partitionsFile = ByteWriter()
    partitionsFile.append(bytes: HNSWIndexFiles.partitionsMagic)
    partitionsFile.append(HNSWIndexFiles.formatVersion)
    partitionsFile.append(UInt32(0))
    partitionsFile.pad(to: HNSWIndexFiles.partitionsHeaderLength)
    var entries: [HNSWPartitionEntry] = []
    for index in 0..<partitionCount {
      let bytes = try block(index)
      entries.append(
        HNSWPartitionEntry(
          offset: partitionsFile.bytes.count, rowCount: metadata.partitionSizes[index],
          length: bytes.count, checksum: CRC32C.checksum(bytes)))
      partitionsFile.append(bytes: bytes)
      partitionsFile.pad(to: 64)
    }
    partitionsFile.append(UInt32(0))
    partitionsFile.append(HNSWIndexFiles.formatVersion)
    partitionsFile.append(bytes: HNSWIndexFiles.partitionsMagic)

    var model = ByteWriter()
    model.append(bytes: HNSWIndexFiles.modelMagic)
    model.append(HNSWIndexFiles.formatVersion)
    model.append(UInt32(0))
    let json: [UInt8]
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      json = Array(try encoder.encode(metadata))
    } catch {
      throw IndexError(.inputOutput, "cannot encode the index metadata (\(error))")
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
    model.append(HNSWIndexFiles.formatVersion)
    model.append(bytes: HNSWIndexFiles.modelMagic)
    try writeSynced(
      partitionsFile.bytes, to: directory.appendingPathComponent(HNSWIndexFiles.partitions))
    try writeSynced(model.bytes, to: directory.appendingPathComponent(HNSWIndexFiles.model))
  }

  /// What `open` reads from `hnsw.meta`, with the partitions file checked at both ends.
  struct Opened {
    var metadata: HNSWIndexMetadata
    var modelFloats: [Float]
    var entries: [HNSWPartitionEntry]
    var partitionsReader: IndexFileReader
    var path: String
  }

  /// Reads and verifies `hnsw.meta`; `modelFloatCount` says how many floats follow the JSON.
  static func open(
    at directory: URL, modelFloatCount: (HNSWIndexMetadata) throws(IndexError) -> Int
  ) throws(IndexError) -> Opened {
    let reader = try IndexFileReader(directory.appendingPathComponent(HNSWIndexFiles.model))
    let path = reader.path
    let trailer = HNSWIndexFiles.trailerLength
    guard reader.size >= 24 + trailer else {
      throw IndexError(.corruptFile, "\(path): \(reader.size) bytes is too short")
    }
    let bytes = try reader.read(at: 0, length: reader.size)
    var header = ByteReader(bytes, path: path)
    guard try header.readBytes(8, "magic") == HNSWIndexFiles.modelMagic,
      Array(bytes[(bytes.count - 8)...]) == HNSWIndexFiles.modelMagic
    else { throw IndexError(.corruptFile, "\(path): not an HNSW index model (bad magic)") }
    let version = try header.readUInt32("format version")
    guard version >= 1, version <= HNSWIndexFiles.formatVersion else {
      throw IndexError(
        .unsupportedVersion,
        "\(path): format version \(version); this build reads up to \(HNSWIndexFiles.formatVersion)"
      )
    }
    var tail = ByteReader(bytes, path: path, offset: bytes.count - trailer)
    let stored = try tail.readUInt32("checksum")
    let computed = bytes.withUnsafeBytes {
      CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - trailer)]))
    }
    guard stored == computed else {
      throw IndexError(.corruptFile, "\(path): checksum \(computed) does not match \(stored)")
    }
    _ = try header.readUInt32("reserved")
    let jsonLength = try header.readUInt64("metadata length")
    guard jsonLength <= UInt64(bytes.count) else {
      throw IndexError(.corruptFile, "\(path): metadata length \(jsonLength) exceeds the file")
    }
    let json = try header.readBytes(Int(jsonLength), "metadata")
    let metadata: HNSWIndexMetadata
    do {
      metadata = try JSONDecoder().decode(HNSWIndexMetadata.self, from: Data(json))
    } catch {
      throw IndexError(.corruptFile, "\(path): metadata is not valid (\(error))")
    }
    guard metadata.dimension > 0, !metadata.partitionSizes.isEmpty,
      metadata.partitionSizes.allSatisfy({ $0 >= 0 }),
      metadata.partitionSizes.reduce(0, +) == metadata.rowCount
    else { throw IndexError(.corruptFile, "\(path): metadata shapes disagree") }
    header.skip(to: 8)
    let modelFloats = try header.readFloats(try modelFloatCount(metadata), "model floats")
    let partitionsReader = try IndexFileReader(
      directory.appendingPathComponent(HNSWIndexFiles.partitions))
    let dataEnd = partitionsReader.size - trailer
    var entries: [HNSWPartitionEntry] = []
    for index in 0..<metadata.partitionSizes.count {
      let offset = try header.readUInt64("directory offset")
      let rows = try header.readUInt64("directory row count")
      let length = try header.readUInt64("directory length")
      let checksum = try header.readUInt32("directory checksum")
      _ = try header.readUInt32("directory reserved")
      guard rows == UInt64(metadata.partitionSizes[index]),
        offset >= UInt64(HNSWIndexFiles.partitionsHeaderLength), offset % 64 == 0,
        dataEnd >= 0, offset <= UInt64(dataEnd), length <= UInt64(dataEnd) - offset
      else {
        throw IndexError(
          .corruptFile,
          "\(path): directory entry \(index) (offset \(offset), \(length) bytes) does not fit \(partitionsReader.path)"
        )
      }
      entries.append(
        HNSWPartitionEntry(
          offset: Int(offset), rowCount: Int(rows), length: Int(length), checksum: checksum))
    }
    guard header.offset == bytes.count - trailer else {
      throw IndexError(.corruptFile, "\(path): unexpected bytes before the footer")
    }
    let head = try partitionsReader.read(at: 0, length: 12)
    let end = try partitionsReader.read(at: dataEnd, length: trailer)
    guard Array(head[0..<8]) == HNSWIndexFiles.partitionsMagic,
      Array(end[8..<16]) == HNSWIndexFiles.partitionsMagic
    else {
      throw IndexError(.corruptFile, "\(partitionsReader.path): not HNSW partitions (bad magic)")
    }
    return Opened(
      metadata: metadata, modelFloats: modelFloats, entries: entries,
      partitionsReader: partitionsReader, path: path)
  }

  /// Reads partition `index`'s block and verifies its checksum.
  static func readBlock(_ opened: Opened, index: Int) throws(IndexError) -> [UInt8] {
    let entry = opened.entries[index]
    let bytes = try opened.partitionsReader.read(at: entry.offset, length: entry.length)
    guard CRC32C.checksum(bytes) == entry.checksum else {
      throw IndexError(
        .corruptFile, "\(opened.partitionsReader.path): partition \(index) checksum mismatch")
    }
    return bytes
  }

  private static func writeSynced(_ bytes: [UInt8], to url: URL) throws(IndexError) {
    guard FileManager.default.createFile(atPath: url.path, contents: nil),
      let handle = FileHandle(forWritingAtPath: url.path)
    else { throw IndexError(.inputOutput, "\(url.path): cannot create") }
    do {
      try handle.write(contentsOf: Data(bytes))
      try handle.synchronize()
      try handle.close()
    } catch {
      throw IndexError(.inputOutput, "\(url.path): cannot write (\(error))")
    }
  }
}
