import Foundation
import QuiverStorage

/// Encodes and decodes manifest files: the checksummed frame (magic `QVMF`, format version, ...,
/// CRC32C, magic) around payload encoding, length and a compact little-endian binary body.
///
/// See Docs/Format.md, "Tables: layout, manifests, deletions" (manifest encoding).
enum ManifestCodec {
  /// The manifest format version this build writes and the highest it reads.
  static let formatVersion: UInt16 = 1
  /// Payload encoding 1: the binary body of Docs/Format.md.
  static let binaryPayload: UInt16 = 1
  /// The frame's magic.
  static let magic = "QVMF"

  /// The bytes of a manifest file: the frame around payload encoding, body length and body.
  /// - Throws: `TableError.corruptManifest` if a path would leave the table (a writer never
  ///   commits what a reader must refuse).
  static func encode(_ manifest: Manifest) throws -> [UInt8] {
    try checkPaths(manifest, name: "manifest of version \(manifest.version)")
    var body = ByteWriter(capacity: 256 + manifest.fragments.count * 96)
    body.writeBody(manifest)
    return ChecksummedFrame.encode(
      magic: magic, version: formatVersion, capacity: body.bytes.count + 10
    ) { writer in
      writer.write(binaryPayload)
      writer.write(UInt64(body.bytes.count))
      writer.write(body.bytes)
    }
  }

  /// Decodes a manifest file and checks that this build can read it; every path it names must
  /// be a relative path inside the table and every index uuid a plain name.
  /// - Parameter source: The file, named in error messages.
  /// - Throws: `TableError.corruptManifest` (short, bad magic, bad checksum, undecodable, a path
  ///   that leaves the table — naming the file and the field), `.unsupportedFeature` (newer
  ///   format version or unknown reader feature).
  static func decode(_ bytes: [UInt8], source: URL) throws -> Manifest {
    let name = "manifest '\(source.objectName)'"
    do {
      let frame = try ChecksummedFrame.decode(bytes, magic: magic, context: name)
      guard frame.version <= formatVersion else {
        throw TableError(
          .unsupportedFeature,
          "\(name) has format version \(frame.version); this build reads up to \(formatVersion)")
      }
      let manifest = try bytes.withUnsafeBytes { raw in
        var reader = ByteReader(
          UnsafeRawBufferPointer(rebasing: raw[frame.content]), context: name)
        let encoding = try reader.read(UInt16.self, "payload encoding")
        guard encoding == binaryPayload else {
          throw reader.corrupt("unknown payload encoding \(encoding)")
        }
        let length = try reader.read(UInt64.self, "payload length")
        guard length == UInt64(reader.remaining) else {
          throw reader.corrupt("is truncated or padded: payload length \(length), \(reader.remaining) bytes follow")
        }
        let manifest = try reader.readBody()
        guard reader.remaining == 0 else { throw reader.corrupt("has bytes after the body") }
        return manifest
      }
      try checkPaths(manifest, name: name)
      let unknown = manifest.readerFeatures & ~TableFeatures.known
      guard unknown == 0 else {
        throw TableError(
          .unsupportedFeature,
          "\(name) needs reader features 0x\(String(unknown, radix: 16)) this build does not know"
        )
      }
      return manifest
    } catch let error as StorageError {
      throw TableError(.corruptManifest, error.message)
    }
  }

  /// Every file path must be a relative path inside the table, every index uuid one plain name
  /// (Docs/Format.md, "Validation"): a damaged or hostile manifest cannot make a reader open
  /// another table's files or a writer create folders elsewhere.
  static func checkPaths(_ manifest: Manifest, name: String) throws {
    for fragment in manifest.fragments {
      for (position, file) in fragment.dataFiles.enumerated() {
        try TableLayout.checkPath(
          file.path, field: "\(name) fragment \(fragment.id) data file \(position) path")
      }
      if let deletion = fragment.deletionFile {
        try TableLayout.checkPath(
          deletion.path, field: "\(name) fragment \(fragment.id) deletion file path")
      }
    }
    if let map = manifest.operation.rowIDMapPath {
      try TableLayout.checkPath(map, field: "\(name) operation row-id map path")
    }
    for entry in manifest.indices {
      do {
        _ = try StoragePath.name(entry.uuid)
      } catch let error as StorageError {
        throw TableError(.corruptManifest, "\(name) index '\(entry.name)' uuid: \(error.message)")
      }
    }
  }
}

extension ByteWriter {
  mutating func write(ids: [UInt32]) {
    write(UInt32(ids.count))
    for id in ids { write(id) }
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
  /// A `UInt32` count of elements of at least `minimumElementSize` bytes, checked against the
  /// bytes left before anything is allocated.
  mutating func readCount(_ what: String, minimumElementSize: Int) throws(StorageError) -> Int {
    try readCount(what, limit: remaining / minimumElementSize)
  }

  mutating func readIDs(_ what: String) throws(StorageError) -> [UInt32] {
    let count = try readCount(what, minimumElementSize: 4)
    var ids: [UInt32] = []
    ids.reserveCapacity(count)
    for _ in 0..<count { ids.append(try read(UInt32.self, what)) }
    return ids
  }

  mutating func readOptionalString(_ what: String) throws(StorageError) -> String? {
    try read(UInt8.self, what) == 0 ? nil : try readString(what)
  }

  mutating func readUInt64AsInt(_ what: String) throws(StorageError) -> Int {
    let value = try read(UInt64.self, what)
    guard value <= UInt64(Int.max) else { throw corrupt("\(what) \(value) is out of range") }
    return Int(value)
  }

  /// The manifest body, field by field as Docs/Format.md lists them.
  mutating func readBody() throws(StorageError) -> Manifest {
    let version = try read(UInt64.self, "version")
    let timestamp = try read(UInt64.self, "timestamp")
    let readerFeatures = try read(UInt64.self, "reader features")
    let writerFeatures = try read(UInt64.self, "writer features")
    let kindName = try readString("operation")
    guard let kind = CommitOperation.Kind(rawValue: kindName) else {
      throw corrupt("unknown operation '\(kindName)'")
    }
    let added = try readIDs("added fragment ids")
    let removed = try readIDs("removed fragment ids")
    let updated = try readIDs("updated fragment ids")
    let restored = try read(UInt8.self, "restored flag") == 1
      ? try read(UInt64.self, "restored version") : nil
    let mapPath = try readOptionalString("row-id map path")
    let name = try readOptionalString("operation name")
    let fieldCount = try readCount("field count", minimumElementSize: 13)
    var fields: [ManifestField] = []
    for _ in 0..<fieldCount {
      let fieldName = try readString("field name")
      let type = try readString("field type")
      let nullable = try read(UInt8.self, "nullable flag")
      let metadata = try readMap()
      fields.append(
        ManifestField(name: fieldName, type: type, nullable: nullable != 0, metadata: metadata))
    }
    let schemaMetadata = try readMap()
    let nextFragmentID = try read(UInt32.self, "next fragment id")
    let fragmentCount = try readCount("fragment count", minimumElementSize: 17)
    var fragments: [FragmentMetadata] = []
    fragments.reserveCapacity(fragmentCount)
    for _ in 0..<fragmentCount {
      let id = try read(UInt32.self, "fragment id")
      let rows = try readUInt64AsInt("fragment row count")
      let fileCount = try readCount("data file count", minimumElementSize: 16)
      var files: [DataFileRecord] = []
      for _ in 0..<fileCount {
        let path = try readString("data file path")
        let size = try readUInt64AsInt("data file size")
        let columnCount = try readCount("data file column count", minimumElementSize: 4)
        var columns: [String] = []
        for _ in 0..<columnCount { columns.append(try readString("data file column")) }
        files.append(DataFileRecord(path: path, columns: columns, sizeBytes: size))
      }
      var deletion: DeletionFileRecord?
      if try read(UInt8.self, "deletion flag") == 1 {
        let path = try readString("deletion file path")
        let count = try readUInt64AsInt("deleted row count")
        deletion = DeletionFileRecord(path: path, deletedRowCount: count)
      }
      fragments.append(
        FragmentMetadata(id: id, physicalRowCount: rows, dataFiles: files, deletionFile: deletion))
    }
    let indexCount = try readCount("index count", minimumElementSize: 36)
    var indices: [IndexEntry] = []
    for _ in 0..<indexCount {
      let uuid = try readString("index uuid")
      let indexName = try readString("index name")
      let column = try readString("index column")
      let indexType = try readString("index type")
      let metric = try readString("index metric")
      let covered = try readIDs("index fragment ids")
      let parameters = try readMap()
      var entry = IndexEntry(
        uuid: uuid, name: indexName, column: column, indexType: indexType, metric: metric,
        fragmentIDs: covered, parameters: parameters)
      entry.createdInVersion = try read(UInt64.self, "index version")
      indices.append(entry)
    }
    let tagCount = try readCount("tag count", minimumElementSize: 12)
    var tags: [String: UInt64] = [:]
    for _ in 0..<tagCount {
      let tag = try readString("tag name")
      tags[tag] = try read(UInt64.self, "tagged version")
    }
    let extensionCount = try readCount("extension count", minimumElementSize: 8)
    for _ in 0..<extensionCount {
      _ = try readString("extension key")
      _ = try readLengthPrefixed("extension")
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
