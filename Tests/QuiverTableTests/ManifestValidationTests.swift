import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverTable

/// Rewrites the manifest of `version` with `change` applied, with a valid checksum: the damage a
/// faulty writer does before the checksum is computed.
func forgeManifest(_ layout: TableLayout, version: UInt64, _ change: (inout Manifest) -> Void)
  throws
{
  let url = layout.manifestURL(version)
  var manifest = try ManifestCodec.decode(Array(try Data(contentsOf: url)), source: url)
  change(&manifest)
  let bytes = try ManifestCodec.encode(manifest)
  try FileManager.default.removeItem(at: url)
  try Data(bytes).write(to: url)
}

/// A table of two real fragments (rows 0..<5 and 5..<8), row 1 deleted.
func twoFragmentTable(_ url: URL) throws -> Dataset {
  var dataset = try Dataset.create(at: url, schema: try smallSchema())
  _ = try dataset.append([try smallBatch(0..<5)])
  _ = try dataset.append([try smallBatch(5..<8)])
  _ = try dataset.delete(rowIDs: [1])
  return dataset
}

/// Manifests, deletion files and data files whose checksums match but whose numbers do not:
/// each gives a typed error naming the file and the field (issue 16).
@Suite struct ManifestValidationTests {
  func expectCorruptManifest(
    _ change: @escaping (inout Manifest) -> Void, mentions: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try withTemporaryTable { url in
      let dataset = try twoFragmentTable(url)
      try forgeManifest(dataset.layout, version: dataset.version, change)
      do {
        _ = try Dataset.open(at: url)
        Issue.record("the forged manifest opened", sourceLocation: sourceLocation)
      } catch let error as TableError {
        #expect(error.code == .corruptManifest, sourceLocation: sourceLocation)
        #expect(error.message.contains(mentions), "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains("_versions"), "\(error)", sourceLocation: sourceLocation)
      }
    }
  }

  @Test(arguments: [0, 1 << 62, Int.max, (1 << 32) + 1])
  func impossibleFragmentRowCounts(rows: Int) throws {
    try expectCorruptManifest({ $0.fragments[1].physicalRowCount = rows }, mentions: "row count \(rows)")
  }

  @Test func aRepeatedFragmentID() throws {
    try expectCorruptManifest({ $0.fragments[1].id = $0.fragments[0].id }, mentions: "twice")
  }

  @Test func aFragmentIDAtOrAboveTheNextID() throws {
    try expectCorruptManifest({ $0.nextFragmentID = 1 }, mentions: "next fragment id is 1")
  }

  @Test func moreDeletedRowsThanRows() throws {
    try expectCorruptManifest(
      { $0.fragments[0].deletionFile?.deletedRowCount = 6 }, mentions: "deletes 6 rows of 5")
  }

  @Test func aDataFileSizeOfIntMaxMakesTheTotalOverflow() throws {
    try expectCorruptManifest(
      { $0.fragments[0].dataFiles[0].sizeBytes = Int.max }, mentions: "total size overflow")
  }

  @Test func aDataFileColumnNotInTheSchema() throws {
    try expectCorruptManifest(
      { $0.fragments[0].dataFiles[0].columns.append("ghost") }, mentions: "'ghost'")
  }

  @Test func aRepeatedIndexName() throws {
    try expectCorruptManifest(
      {
        let entry = IndexEntry(
          name: "v", column: "vector", indexType: "IVF_PQ", metric: "l2", fragmentIDs: [0])
        var copy = entry
        copy.uuid = "other"
        $0.indices = [entry, copy]
      }, mentions: "index name 'v' twice")
  }

  @Test func aHugeDataFileSizeIsATypedErrorOnRead() throws {
    try withTemporaryTable { url in
      let dataset = try twoFragmentTable(url)
      try forgeManifest(dataset.layout, version: dataset.version) {
        $0.fragments[0].dataFiles[0].sizeBytes = Int.max / 2
      }
      let reopened = try Dataset.open(at: url)
      #expect { try liveIDs(reopened) } throws: { error in
        let error = error as? TableError
        return error?.code == .corruptDataFile && error?.message.contains("\(Int.max / 2)") == true
      }
    }
  }

  @Test func aDeletionOffsetBeyondTheFragment() throws {
    try withTemporaryTable { url in
      let dataset = try twoFragmentTable(url)
      let record = try #require(dataset.manifest.fragments[0].deletionFile)
      let bytes = DeletionFileCodec.encode(
        DeletionVector([UInt32(7)]), fragmentID: dataset.manifest.fragments[0].id,
        physicalRowCount: 8)
      let target = dataset.layout.url(relative: record.path)
      try FileManager.default.removeItem(at: target)
      try Data(bytes).write(to: target)
      let reopened = try Dataset.open(at: url)
      #expect { try liveIDs(reopened) } throws: { error in
        let error = error as? TableError
        return error?.code == .corruptDeletionFile
          && error?.message.contains("offset 7, but the fragment has 5 rows") == true
      }
    }
  }

  @Test func aDataFileSwappedForOneWithAnotherRowCount() throws {
    try withTemporaryTable { url in
      let dataset = try twoFragmentTable(url)
      let first = dataset.manifest.fragments[0].dataFiles[0]
      let second = dataset.manifest.fragments[1].dataFiles[0]
      // The 3-row file takes the 5-row file's place, and the manifest its size.
      let target = dataset.layout.url(relative: first.path)
      try FileManager.default.removeItem(at: target)
      try FileManager.default.copyItem(at: dataset.layout.url(relative: second.path), to: target)
      try forgeManifest(dataset.layout, version: dataset.version) {
        $0.fragments[0].dataFiles[0].sizeBytes = second.sizeBytes
      }
      let reopened = try Dataset.open(at: url)
      #expect { try liveIDs(reopened) } throws: { error in
        let error = error as? TableError
        return error?.code == .corruptDataFile
          && error?.message.contains("has 3 rows, the manifest says 5") == true
      }
    }
  }
}
