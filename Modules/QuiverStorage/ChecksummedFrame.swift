import QuiverKernels

/// The frame around Quiver's small binary files (manifests, deletion files, row-id maps;
/// Docs/Format.md, "Tables: layout, manifests, deletions"): a 4-byte magic, a `UInt16` format
/// version, the content, the CRC32C of everything before it, and the magic again.
package enum ChecksummedFrame {
  /// Bytes of the frame around the content: magic and version before, checksum and magic after.
  package static let overhead = 4 + 2 + 4 + 4

  /// Frames the bytes `content` writes.
  /// - Parameters:
  ///   - magic: Four ASCII characters ("QVMF").
  ///   - capacity: Expected content bytes (to reserve memory once).
  package static func encode(
    magic: String, version: UInt16, capacity: Int = 0, content: (inout ByteWriter) -> Void
  ) -> [UInt8] {
    precondition(magic.utf8.count == 4, "a frame magic has four bytes")
    var writer = ByteWriter(capacity: capacity + overhead)
    writer.write(magic: magic)
    writer.write(version)
    content(&writer)
    writer.write(CRC32C.checksum(writer.bytes))
    writer.write(magic: magic)
    return writer.bytes
  }

  /// Checks a frame's magics and checksum and reads its version.
  /// - Parameters:
  ///   - context: Names the file in messages ("manifest '/t/_versions/3.manifest'").
  /// - Returns: The version and the content's byte range within `bytes`; the caller decides
  ///   whether it can read that version.
  /// - Throws: `StorageError` `.corruptData` if the bytes are shorter than a frame, a magic is
  ///   missing or the checksum differs.
  package static func decode(_ bytes: [UInt8], magic: String, context: String)
    throws(StorageError) -> (version: UInt16, content: Range<Int>)
  {
    func corrupt(_ why: String) -> StorageError { StorageError(.corruptData, "\(context) \(why)") }
    guard bytes.count >= overhead else { throw corrupt("is truncated (\(bytes.count) bytes)") }
    let checksumOffset = bytes.count - 8
    let found = bytes.withUnsafeBytes { raw in
      (
        stored: UInt32(
          littleEndian: raw.loadUnaligned(fromByteOffset: checksumOffset, as: UInt32.self)),
        computed: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<checksumOffset])),
        version: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
      )
    }
    let expected = Array(magic.utf8)
    guard bytes[(bytes.count - 4)...].elementsEqual(expected) else {
      throw corrupt("does not end with the magic \(magic)")
    }
    guard found.stored == found.computed else {
      throw corrupt("has a bad checksum (stored \(found.stored), computed \(found.computed))")
    }
    guard bytes[0..<4].elementsEqual(expected) else {
      throw corrupt("does not start with the magic \(magic)")
    }
    return (found.version, 6..<checksumOffset)
  }
}
