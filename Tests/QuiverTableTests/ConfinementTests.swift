import Foundation
import QuiverFormat
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverTable

/// Issue #16 item 3: paths read from manifests stay inside the table, only regular files are
/// opened (a FIFO never blocks), and links are never followed, for reads or writes.
@Suite struct ConfinementTests {
  /// A table of two appends (versions 1 and 2) at `url`.
  private func makeTable(_ url: URL) throws -> Dataset {
    var dataset = try Dataset.create(at: url, schema: smallSchema(), batches: [smallBatch(0..<3)])
    _ = try dataset.append([smallBatch(3..<5)])
    return dataset
  }

  /// Writes `manifest` as the next version's manifest file, bypassing the commit checks.
  private func forge(_ manifest: Manifest, in layout: TableLayout) throws {
    var body = ByteWriter()
    body.writeBody(manifest)
    let bytes = ChecksummedFrame.encode(magic: ManifestCodec.magic, version: 1) { writer in
      writer.write(ManifestCodec.binaryPayload)
      writer.write(UInt64(body.bytes.count))
      writer.write(body.bytes)
    }
    try Data(bytes).write(to: layout.manifestURL(manifest.version))
  }

  @Test func manifestPathOutsideTheTableIsATypedError() throws {
    try withTemporaryTable { url in
      let dataset = try makeTable(url)
      var manifest = dataset.manifest
      manifest.version += 1
      manifest.fragments[0].dataFiles[0].path = "../../other/secret.quiver/data/X.qvf"
      try forge(manifest, in: dataset.layout)
      let error = #expect(throws: TableError.self) { try Dataset.open(at: url) }
      #expect(error?.code == .corruptManifest)
      #expect(error?.message.contains(manifest.fragments[0].dataFiles[0].path) == true)
      #expect(error?.message.contains("00000000000000000003.manifest") == true)
      #expect(error?.message.contains("data file 0 path") == true)
      // The writer refuses to commit such a manifest in the first place.
      #expect(throws: TableError.self) { try ManifestCodec.encode(manifest) }
    }
  }

  @Test func indexUUIDWithSeparatorsCreatesNothingOutside() throws {
    try withTemporaryTable { url in
      var dataset = try makeTable(url)
      let hostile = "../../../dir"
      let outside = url.appendingPathComponent("_indices").appendingPathComponent(hostile)
        .standardizedFileURL
      let error = #expect(throws: TableError.self) { try dataset.indexFolder(uuid: hostile) }
      #expect(error?.code == .invalidArgument)
      let entry = IndexEntry(
        uuid: hostile, name: "bad", column: "vector", indexType: "IVF_FLAT", metric: "l2",
        fragmentIDs: dataset.fragmentIDs)
      #expect(throws: TableError.self) { try dataset.commitIndex(entry) }
      var manifest = dataset.manifest
      manifest.version += 1
      manifest.indices = [entry]
      try forge(manifest, in: dataset.layout)
      let opened = #expect(throws: TableError.self) { try Dataset.open(at: url) }
      #expect(opened?.code == .corruptManifest)
      #expect(opened?.message.contains("uuid") == true)
      #expect(!FileManager.default.fileExists(atPath: outside.path))
    }
  }

  @Test func fifoAsNextManifestIsAnErrorNotAHang() throws {
    try withTemporaryTable { url in
      var dataset = try makeTable(url)
      let fifo = dataset.layout.manifestURL(3)
      #expect(mkfifo(fifo.path, 0o644) == 0)
      // Not listed as a version; reading it directly is refused at once.
      #expect(try Dataset.open(at: url).version == 2)
      let read = #expect(throws: TableError.self) { try Dataset.open(at: url, version: 3) }
      #expect(read?.message.contains("not a regular file") == true)
      let append = #expect(throws: TableError.self) { try dataset.append([smallBatch(5..<6)]) }
      #expect(append?.code == .ioFailure)
      #expect(try liveIDs(Dataset.open(at: url)) == [0, 1, 2, 3, 4])
    }
  }

  @Test func fifoAsDataFileIsAnErrorNotAHang() throws {
    try withTemporaryTable { url in
      let dataset = try makeTable(url)
      let file = dataset.layout.url(relative: dataset.fragments[1].dataFiles[0].path)
      try FileManager.default.removeItem(at: file)
      #expect(mkfifo(file.path, 0o644) == 0)
      let error = #expect(throws: TableError.self) { try liveIDs(Dataset.open(at: url)) }
      #expect(error?.code == .corruptDataFile)
      #expect(error?.message.contains("not a regular file") == true)
    }
  }

  @Test(arguments: ["data", "_versions"])
  func symbolicallyLinkedFolderIsRefusedOnAppend(_ folder: String) throws {
    try withTemporaryTable { url in
      var dataset = try makeTable(url)
      let elsewhere = url.deletingLastPathComponent().appendingPathComponent("elsewhere")
      let linked = url.appendingPathComponent(folder)
      try FileManager.default.moveItem(at: linked, to: elsewhere)
      try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: elsewhere)
      let before = try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).sorted()
      let error = #expect(throws: TableError.self) { try dataset.append([smallBatch(5..<6)]) }
      #expect(error?.message.contains("symbolic link") == true)
      #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).sorted() == before)
    }
  }
}
