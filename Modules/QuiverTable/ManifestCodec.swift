import Foundation
import QuiverKernels

/// Encodes and decodes manifest files: a frame (magic, format version, payload encoding,
/// length, CRC32C, magic) around a compact little-endian binary body.
///
/// See Docs/Format.md, "Tables: layout, manifests, deletions" (manifest encoding).
enum ManifestCodec {
  /// The manifest format version this build writes and the highest it reads.
  static let formatVersion: UInt16 = 1
  /// Payload encoding 1: the binary body of Docs/Format.md.
  static let binaryPayload: UInt16 = 1
  static let headerSize = 16
  static let trailerSize = 8

  /// The bytes of a manifest file.
  static func encode(_ manifest: Manifest) throws -> [UInt8] {
    var body = ByteWriter(capacity: 256 + manifest.fragments.count * 96)
    body.writeBody(manifest)
    var writer = ByteWriter(capacity: body.bytes.count + headerSize + trailerSize)
    writer.write(magic: "QVMF")
    writer.write(formatVersion)
    writer.write(binaryPayload)
    writer.write(UInt64(body.bytes.count))
    writer.write(body.bytes)
    writer.write(CRC32C.checksum(writer.bytes))
    writer.write(magic: "QVMF")
    return writer.bytes
  }

  /// Decodes a manifest file and checks that this build can read it.
  /// - Parameter source: The file, named in error messages.
  /// - Throws: `TableError.corruptManifest` (short, bad magic, bad checksum, undecodable),
  ///   `.unsupportedFeature` (newer format version or unknown reader feature).
  static func decode(_ bytes: [UInt8], source: URL) throws -> Manifest {
    func corrupt(_ why: String) -> TableError {
      TableError(.corruptManifest, "manifest '\(source.path)' \(why)")
    }
    guard bytes.count >= headerSize + trailerSize else {
      throw corrupt("is truncated (\(bytes.count) bytes)")
    }
    var reader = ByteReader(bytes)
    guard reader.readMagic("QVMF") else { throw corrupt("does not start with the magic QVMF") }
    let version = reader.readUInt16()!
    let encoding = reader.readUInt16()!
    let length = reader.readUInt64()!
    guard length == UInt64(bytes.count - headerSize - trailerSize) else {
      throw corrupt("is truncated or padded: payload length \(length), file \(bytes.count) bytes")
    }
    let payloadEnd = headerSize + Int(length)
    var trailer = ByteReader(bytes, offset: payloadEnd)
    let storedChecksum = trailer.readUInt32()!
    guard trailer.readMagic("QVMF") else { throw corrupt("does not end with the magic QVMF") }
    let checksum = bytes.withUnsafeBytes {
      CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<payloadEnd]))
    }
    guard checksum == storedChecksum else {
      throw corrupt("has a bad checksum (stored \(storedChecksum), computed \(checksum))")
    }
    guard version <= formatVersion else {
      throw TableError(
        .unsupportedFeature,
        "manifest '\(source.path)' has format version \(version); this build reads up to \(formatVersion)"
      )
    }
    guard encoding == binaryPayload else { throw corrupt("has unknown payload encoding \(encoding)") }
    var body = ByteReader(bytes, offset: headerSize, end: payloadEnd)
    guard let manifest = body.readBody(), body.remaining == 0 else {
      throw corrupt("has a body that does not decode (checksum matched: written by a faulty writer)")
    }
    let unknown = manifest.readerFeatures & ~TableFeatures.known
    guard unknown == 0 else {
      throw TableError(
        .unsupportedFeature,
        "manifest '\(source.path)' needs reader features 0x\(String(unknown, radix: 16)) this build does not know"
      )
    }
    return manifest
  }
}

extension ByteWriter {
  mutating func write(string: String) {
    let utf8 = Array(string.utf8)
    write(UInt32(utf8.count))
    write(utf8)
  }

  mutating func write(ids: [UInt32]) {
    write(UInt32(ids.count))
    for id in ids { write(id) }
  }

  mutating func write(map: [String: String]) {
    write(UInt32(map.count))
    for key in map.keys.sorted() {
      write(string: key)
      write(string: map[key]!)
    }
  }

  mutating func write(optional string: String?) {
    write(UInt8(string == nil ? 0 : 1))
    if let string { write(string: string) }
  }

  /// The manifest body, field by field as Docs/Format.md lists them.
  mutating func writeBody(_ manifest: Manifest) {
    write(manifest.version)
    write(UInt64(bitPattern: manifest.timestampMicroseconds))
    write(manifest.readerFeatures)
    write(manifest.writerFeatures)
    let operation = manifest.operation
    write(string: operation.kind.rawValue)
    write(ids: operation.addedFragmentIDs)
    write(ids: operation.removedFragmentIDs)
    write(ids: operation.updatedFragmentIDs)
    write(UInt8(operation.restoredVersion == nil ? 0 : 1))
    if let restored = operation.restoredVersion { write(restored) }
    write(optional: operation.rowIDMapPath)
    write(optional: operation.name)
    write(UInt32(manifest.fields.count))
    for field in manifest.fields {
      write(string: field.name)
      write(string: field.type)
      write(UInt8(field.nullable ? 1 : 0))
      write(map: field.metadata)
    }
    write(map: manifest.schemaMetadata)
    write(manifest.nextFragmentID)
    write(UInt32(manifest.fragments.count))
    for fragment in manifest.fragments {
      write(fragment.id)
      write(UInt64(fragment.physicalRowCount))
      write(UInt32(fragment.dataFiles.count))
      for file in fragment.dataFiles {
        write(string: file.path)
        write(UInt64(file.sizeBytes))
        write(UInt32(file.columns.count))
        for column in file.columns { write(string: column) }
      }
      write(UInt8(fragment.deletionFile == nil ? 0 : 1))
      if let deletion = fragment.deletionFile {
        write(string: deletion.path)
        write(UInt64(deletion.deletedRowCount))
      }
    }
    write(UInt32(manifest.indices.count))
    for entry in manifest.indices {
      write(string: entry.uuid)
      write(string: entry.name)
      write(string: entry.column)
      write(string: entry.indexType)
      write(string: entry.metric)
      write(ids: entry.fragmentIDs)
      write(map: entry.parameters)
      write(entry.createdInVersion)
    }
    write(UInt32(manifest.tags.count))
    for name in manifest.tags.keys.sorted() {
      write(string: name)
      write(manifest.tags[name]!)
    }
    // Extension records (key, bytes) that older readers skip; none yet.
    write(UInt32(0))
  }
}

extension ByteReader {
  /// Counts and lengths are checked against the bytes left before anything is allocated.
  mutating func readString() -> String? {
    guard let length = readUInt32(), let bytes = readBytes(Int(length)) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  mutating func readCount(minimumElementSize: Int) -> Int? {
    guard let count = readUInt32(), Int(count) * minimumElementSize <= remaining else { return nil }
    return Int(count)
  }

  mutating func readIDs() -> [UInt32]? {
    guard let count = readCount(minimumElementSize: 4) else { return nil }
    var ids: [UInt32] = []
    ids.reserveCapacity(count)
    for _ in 0..<count { ids.append(readUInt32()!) }
    return ids
  }

  mutating func readMap() -> [String: String]? {
    guard let count = readCount(minimumElementSize: 8) else { return nil }
    var map: [String: String] = [:]
    for _ in 0..<count {
      guard let key = readString(), let value = readString() else { return nil }
      map[key] = value
    }
    return map
  }

  mutating func readOptionalString() -> String?? {
    guard let flag = readUInt8() else { return nil }
    if flag == 0 { return .some(nil) }
    guard let string = readString() else { return nil }
    return .some(string)
  }

  mutating func readUInt64AsInt() -> Int? {
    guard let value = readUInt64(), value <= UInt64(Int.max) else { return nil }
    return Int(value)
  }

  /// The manifest body, or nil if it does not decode.
  mutating func readBody() -> Manifest? {
    guard let version = readUInt64(), let timestamp = readUInt64(),
      let readerFeatures = readUInt64(), let writerFeatures = readUInt64(),
      let kindName = readString(), let kind = CommitOperation.Kind(rawValue: kindName),
      let added = readIDs(), let removed = readIDs(), let updated = readIDs(),
      let hasRestored = readUInt8()
    else { return nil }
    var restored: UInt64?
    if hasRestored == 1 {
      guard let value = readUInt64() else { return nil }
      restored = value
    }
    guard let mapPath = readOptionalString(), let name = readOptionalString(),
      let fieldCount = readCount(minimumElementSize: 13)
    else { return nil }
    var fields: [ManifestField] = []
    for _ in 0..<fieldCount {
      guard let fieldName = readString(), let type = readString(), let nullable = readUInt8(),
        let metadata = readMap()
      else { return nil }
      fields.append(
        ManifestField(name: fieldName, type: type, nullable: nullable != 0, metadata: metadata))
    }
    guard let schemaMetadata = readMap(), let nextFragmentID = readUInt32(),
      let fragmentCount = readCount(minimumElementSize: 17)
    else { return nil }
    var fragments: [FragmentMetadata] = []
    fragments.reserveCapacity(fragmentCount)
    for _ in 0..<fragmentCount {
      guard let id = readUInt32(), let rows = readUInt64AsInt(),
        let fileCount = readCount(minimumElementSize: 16)
      else { return nil }
      var files: [DataFileRecord] = []
      for _ in 0..<fileCount {
        guard let path = readString(), let size = readUInt64AsInt(),
          let columnCount = readCount(minimumElementSize: 4)
        else { return nil }
        var columns: [String] = []
        for _ in 0..<columnCount {
          guard let column = readString() else { return nil }
          columns.append(column)
        }
        files.append(DataFileRecord(path: path, columns: columns, sizeBytes: size))
      }
      guard let hasDeletion = readUInt8() else { return nil }
      var deletion: DeletionFileRecord?
      if hasDeletion == 1 {
        guard let path = readString(), let count = readUInt64AsInt() else { return nil }
        deletion = DeletionFileRecord(path: path, deletedRowCount: count)
      }
      fragments.append(
        FragmentMetadata(id: id, physicalRowCount: rows, dataFiles: files, deletionFile: deletion))
    }
    guard let indexCount = readCount(minimumElementSize: 36) else { return nil }
    var indices: [IndexEntry] = []
    for _ in 0..<indexCount {
      guard let uuid = readString(), let indexName = readString(), let column = readString(),
        let indexType = readString(), let metric = readString(), let covered = readIDs(),
        let parameters = readMap(), let created = readUInt64()
      else { return nil }
      var entry = IndexEntry(
        uuid: uuid, name: indexName, column: column, indexType: indexType, metric: metric,
        fragmentIDs: covered, parameters: parameters)
      entry.createdInVersion = created
      indices.append(entry)
    }
    guard let tagCount = readCount(minimumElementSize: 12) else { return nil }
    var tags: [String: UInt64] = [:]
    for _ in 0..<tagCount {
      guard let tag = readString(), let tagged = readUInt64() else { return nil }
      tags[tag] = tagged
    }
    guard let extensionCount = readCount(minimumElementSize: 8) else { return nil }
    for _ in 0..<extensionCount {
      guard readString() != nil, let length = readUInt32(), readBytes(Int(length)) != nil else {
        return nil
      }
    }
    return Manifest(
      version: version, timestampMicroseconds: Int64(bitPattern: timestamp),
      operation: CommitOperation(
        kind: kind, addedFragmentIDs: added, removedFragmentIDs: removed,
        updatedFragmentIDs: updated, restoredVersion: restored, rowIDMapPath: mapPath,
        name: name),
      fields: fields, schemaMetadata: schemaMetadata, fragments: fragments,
      nextFragmentID: nextFragmentID, indices: indices, tags: tags,
      readerFeatures: readerFeatures, writerFeatures: writerFeatures)
  }
}
