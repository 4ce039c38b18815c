import Foundation
import QuiverKernels

/// Encodes and decodes manifest files: a binary frame (magic, format version, length, CRC32C)
/// around a JSON body.
///
/// See Docs/Format.md, "Tables: layout, manifests, deletions" (manifest encoding).
enum ManifestCodec {
  /// The manifest format version this build writes and the highest it reads.
  static let formatVersion: UInt16 = 1
  /// Payload encoding 0: JSON (UTF-8).
  static let jsonPayload: UInt16 = 0
  static let headerSize = 16
  static let trailerSize = 8

  /// The bytes of a manifest file.
  static func encode(_ manifest: Manifest) throws -> [UInt8] {
    let payload: Data
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      payload = try encoder.encode(manifest)
    } catch {
      throw TableError(.invalidArgument, "cannot encode manifest \(manifest.version): \(error)")
    }
    var writer = ByteWriter(capacity: payload.count + headerSize + trailerSize)
    writer.write(magic: "QVMF")
    writer.write(formatVersion)
    writer.write(jsonPayload)
    writer.write(UInt64(payload.count))
    writer.write([UInt8](payload))
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
    guard encoding == jsonPayload else { throw corrupt("has unknown payload encoding \(encoding)") }
    let manifest: Manifest
    do {
      manifest = try JSONDecoder().decode(
        Manifest.self, from: Data(bytes[headerSize..<payloadEnd]))
    } catch {
      throw corrupt("cannot be decoded: \(error)")
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
