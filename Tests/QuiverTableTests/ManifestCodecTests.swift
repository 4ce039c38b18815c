import Foundation
import QuiverFormat
import QuiverKernels
import QuiverStorage
import Testing

@testable import QuiverTable

private func sampleManifest() -> Manifest {
  Manifest(
    version: 7, timestampMicroseconds: 1_700_000_000_123_456,
    operation: CommitOperation(kind: .append, addedFragmentIDs: [3]),
    fields: [ManifestField(name: "id", type: "int64", nullable: false),
             ManifestField(name: "v", type: "fixed_size_list<float32>[8]", nullable: true, metadata: ["k": "v"])],
    schemaMetadata: ["owner": "test"],
    fragments: [
      FragmentMetadata(
        id: 2, physicalRowCount: 10,
        dataFiles: [DataFileRecord(path: "data/a.qvf", columns: ["id", "v"], sizeBytes: 123)],
        deletionFile: DeletionFileRecord(path: "_deletions/2-6-x.del", deletedRowCount: 3)),
      FragmentMetadata(
        id: 3, physicalRowCount: 5,
        dataFiles: [DataFileRecord(path: "data/b.qvf", columns: ["id", "v"], sizeBytes: 77)]),
    ],
    nextFragmentID: 4,
    indices: [IndexEntry(uuid: "u1", name: "v_idx", column: "v", indexType: "IVF_PQ", metric: "l2", fragmentIDs: [2], parameters: ["partitions": "4"])],
    tags: ["release": 5], readerFeatures: TableFeatures.deletionFiles,
    writerFeatures: TableFeatures.deletionFiles)
}

@Test func manifestRoundTripsExactly() throws {
  let manifest = sampleManifest()
  let bytes = try ManifestCodec.encode(manifest)
  let decoded = try ManifestCodec.decode(bytes, source: URL(fileURLWithPath: "/m"))
  #expect(decoded == manifest)
  #expect(decoded.liveRowCount == 12)
  #expect(Array(bytes.prefix(4)) == Array("QVMF".utf8))
  #expect(Array(bytes.suffix(4)) == Array("QVMF".utf8))
}

@Test(arguments: [0, 1, 15, 16, 24, -1, -5, -8])
func truncatedManifestIsCorrupt(cut: Int) throws {
  let bytes = try ManifestCodec.encode(sampleManifest())
  let kept = cut >= 0 ? Array(bytes.prefix(cut)) : Array(bytes.dropLast(-cut))
  #expect {
    try ManifestCodec.decode(kept, source: URL(fileURLWithPath: "/m"))
  } throws: { ($0 as? TableError)?.code == .corruptManifest }
}

@Test func everyFlippedByteIsDetected() throws {
  let bytes = try ManifestCodec.encode(sampleManifest())
  var random = SystemRandomNumberGenerator()
  for position in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
    var damaged = bytes
    damaged[position] ^= UInt8.random(in: 1...255, using: &random)
    #expect(throws: TableError.self) {
      try ManifestCodec.decode(damaged, source: URL(fileURLWithPath: "/m"))
    }
  }
}

@Test func unknownReaderFeatureIsRefused() throws {
  var manifest = sampleManifest()
  manifest.readerFeatures |= 1 << 40
  let bytes = try ManifestCodec.encode(manifest)
  #expect {
    try ManifestCodec.decode(bytes, source: URL(fileURLWithPath: "/m"))
  } throws: { ($0 as? TableError)?.code == .unsupportedFeature }
}

@Test func manifestNamesSortAsVersions() {
  #expect(TableLayout.manifestName(1) == "00000000000000000001.manifest")
  #expect(TableLayout.version(fromManifestName: "00000000000000000042.manifest") == 42)
  #expect(TableLayout.version(fromManifestName: ".tmp-abc") == nil)
  #expect(TableLayout.version(fromManifestName: "00000000000000000042.rowmap") == nil)
  #expect(TableLayout.manifestName(UInt64.max).count == 20 + ".manifest".count)
}

@Test(arguments: ["int64", "utf8", "timestamp[us, UTC]", "fixed_size_list<float32>[384]", "fixed_size_list<uint8>[16]", "date", "bool"])
func typeNamesRoundTrip(name: String) throws {
  let type = try #require(ManifestField.dataType(named: name))
  #expect(type.name == name)
}

@Test func unknownTypeNameIsRejected() {
  #expect(ManifestField.dataType(named: "fixed_size_list<float64>[3]") == nil)
  #expect(ManifestField.dataType(named: "fixed_size_list<float32>[0]") == nil)
  #expect(ManifestField.dataType(named: "decimal") == nil)
}

/// A correctly framed and checksummed manifest around `body`.
private func framed(_ body: [UInt8]) -> [UInt8] {
  var writer = ByteWriter()
  writer.write(magic: "QVMF")
  writer.write(ManifestCodec.formatVersion)
  writer.write(ManifestCodec.binaryPayload)
  writer.write(UInt64(body.count))
  writer.write(body)
  writer.write(CRC32C.checksum(writer.bytes))
  writer.write(magic: "QVMF")
  return writer.bytes
}

@Test func cutBodiesWithValidChecksumsAreCorruptNotCrashes() throws {
  var writer = ByteWriter()
  writer.writeBody(sampleManifest())
  let body = writer.bytes
  #expect(try ManifestCodec.decode(framed(body), source: URL(fileURLWithPath: "/m")) == sampleManifest())
  for cut in stride(from: 0, to: body.count, by: 3) {
    #expect {
      try ManifestCodec.decode(framed(Array(body.prefix(cut))), source: URL(fileURLWithPath: "/m"))
    } throws: { ($0 as? TableError)?.code == .corruptManifest }
  }
  // A huge count is refused before anything is allocated.
  var huge = body
  let fieldCountOffset = body.count - 4  // the extension count at the end
  huge.replaceSubrange(fieldCountOffset..<body.count, with: [0xFF, 0xFF, 0xFF, 0x7F])
  #expect {
    try ManifestCodec.decode(framed(huge), source: URL(fileURLWithPath: "/m"))
  } throws: { ($0 as? TableError)?.code == .corruptManifest }
}
