import Foundation
import QuiverFormat
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverTable

@Test func createModes() throws {
  try withTemporaryTable { url in
    let schema = try smallSchema()
    let created = try Dataset.create(at: url, schema: schema)
    #expect(created.version == 1 && created.fragments.isEmpty)
    #expect(try created.schema() == schema)
    #expect { try Dataset.create(at: url, schema: schema) } throws: {
      ($0 as? TableError)?.code == .alreadyExists
    }
    let reopened = try Dataset.create(at: url, schema: schema, mode: .existOk)
    #expect(reopened.version == 1)
    let other = try Schema([Field("name", .utf8)])
    #expect { try Dataset.create(at: url, schema: other, mode: .existOk) } throws: {
      ($0 as? TableError)?.code == .schemaMismatch
    }
    let replaced = try Dataset.create(at: url, schema: other, mode: .overwrite)
    #expect(replaced.version == 2 && replaced.manifest.operation.kind == .overwrite)
    #expect(try Dataset.open(at: url).schema() == other)
    #expect(try Dataset.open(at: url, version: 1).schema() == schema)
  }
}

@Test func openMissingTableIsNotFound() throws {
  try withTemporaryTable { url in
    #expect { try Dataset.open(at: url) } throws: { ($0 as? TableError)?.code == .notFound }
    #expect(!Dataset.exists(at: url))
  }
}

@Test func appendsGetFreshFragmentIDsAndVersions() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema())
    let first = try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 3)])
    let second = try dataset.commitAppend([
      placeholderFragment(dataset.layout, rows: 4), placeholderFragment(dataset.layout, rows: 5),
    ])
    #expect(first == [0] && second == [1, 2])
    #expect(dataset.version == 3 && dataset.liveRowCount == 12)
    let versions = try dataset.versions()
    #expect(versions.map(\.version) == [1, 2, 3])
    #expect(versions.map(\.operation) == [.create, .append, .append])
    #expect(versions.map(\.liveRowCount) == [0, 3, 12])
  }
}

@Test func staleWriterRebasesAppendOverConcurrentAppend() throws {
  try withTemporaryTable { url in
    var writerA = try Dataset.create(at: url, schema: try smallSchema())
    var writerB = try Dataset.open(at: url)
    try writerA.commitAppend([placeholderFragment(writerA.layout, rows: 2)])
    // B still sees version 1; its commit loses the race for version 2 and rebases.
    let ids = try writerB.commitAppend([placeholderFragment(writerB.layout, rows: 3)])
    #expect(writerB.version == 3 && ids == [1])
    #expect(writerB.fragments.map(\.physicalRowCount) == [2, 3])
  }
}

@Test func deleteWritesDeletionFilesAndConflictsOnSameFragment() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema())
    try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 10), placeholderFragment(dataset.layout, rows: 10)])
    let dataBefore = try FileManager.default.contentsOfDirectory(atPath: dataset.layout.dataFolder.path).sorted()
    var other = dataset
    #expect(try dataset.delete(rowIDs: [RowID.make(fragmentID: 0, offset: 3), RowID.make(fragmentID: 0, offset: 3)]) == 1)
    #expect(try dataset.deletionVector(fragmentID: 0).offsets == [3])
    #expect(dataset.liveRowCount == 19)
    // Deleting again is a no-op and commits nothing.
    #expect(try dataset.delete(rowIDs: [RowID.make(fragmentID: 0, offset: 3)]) == 0)
    #expect(dataset.version == 3)
    // A stale writer deleting on a different fragment rebases ...
    var third = other
    #expect(try third.delete(rowIDs: [RowID.make(fragmentID: 1, offset: 0)]) == 1)
    #expect(third.version == 4 && third.liveRowCount == 18)
    // ... but on the same fragment it gets a typed conflict and commits nothing.
    #expect { try other.delete(rowIDs: [RowID.make(fragmentID: 0, offset: 4)]) } throws: {
      ($0 as? TableError)?.code == .commitConflict
    }
    #expect(try dataset.latestVersionNumber() == 4)
    #expect(try Dataset.open(at: url).deletionVector(fragmentID: 0).offsets == [3])
    // Data files were never rewritten.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dataset.layout.dataFolder.path).sorted() == dataBefore)
    // Bad row ids are typed errors.
    #expect { try dataset.refresh(); return try dataset.delete(rowIDs: [RowID.make(fragmentID: 9, offset: 0)]) } throws: {
      ($0 as? TableError)?.code == .invalidArgument
    }
    #expect { try dataset.delete(rowIDs: [RowID.make(fragmentID: 1, offset: 10)]) } throws: {
      ($0 as? TableError)?.code == .invalidArgument
    }
    // Deleting every row of a fragment removes it.
    try dataset.delete(rowIDs: (0..<10).map { RowID.make(fragmentID: 1, offset: $0) })
    #expect(dataset.fragmentIDs == [0] && dataset.manifest.operation.removedFragmentIDs == [1])
  }
}

@Test func timeTravelRestoreAndTags() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema())
    try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 1)])
    try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 2)])
    var old = try dataset.checkout(version: 2)
    #expect(old.isReadOnly && old.liveRowCount == 1)
    #expect { try old.commitAppend([]) } throws: { ($0 as? TableError)?.code == .readOnly }
    #expect { try dataset.checkout(version: 99) } throws: { ($0 as? TableError)?.code == .notFound }

    try dataset.tag("first-append", version: 2)
    #expect(dataset.tags == ["first-append": 2] && dataset.version == 4)
    #expect { try dataset.tag("first-append", version: 3) } throws: { ($0 as? TableError)?.code == .alreadyExists }
    #expect(try dataset.checkout(tag: "first-append").liveRowCount == 1)

    try dataset.restore(version: 2)
    #expect(dataset.version == 5 && dataset.liveRowCount == 1)
    #expect(dataset.manifest.operation.restoredVersion == 2 && dataset.tags["first-append"] == 2)
    // A new append after a restore never reuses a fragment id.
    let ids = try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 4)])
    #expect(ids == [2])
    // Restoring from a checked-out view makes it writable at the new latest.
    try old.restore()
    #expect(!old.isReadOnly && old.version == 7 && old.liveRowCount == 1)
    try dataset.refresh()
    #expect(dataset.version == 7)
    try dataset.deleteTag("first-append")
    #expect(dataset.tags.isEmpty)
  }
}

@Test func indexEntriesAndAddedColumns() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema())
    try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 5)])
    let entry = IndexEntry(name: "vector_idx", column: "vector", indexType: "IVF_PQ", metric: "l2", fragmentIDs: [0], parameters: ["num_partitions": "2"])
    let folder = try dataset.indexFolder(uuid: entry.uuid)
    #expect(folder.path.hasSuffix("_indices/\(entry.uuid)"))
    try dataset.commitIndex(entry)
    #expect(dataset.indices.count == 1 && dataset.indices[0].createdInVersion == 3)
    #expect { try dataset.commitIndex(IndexEntry(name: "x", column: "nope", indexType: "IVF_PQ", metric: "l2", fragmentIDs: [0])) } throws: {
      ($0 as? TableError)?.code == .notFound
    }
    #expect { try dataset.commitIndex(IndexEntry(name: "x", column: "vector", indexType: "IVF_PQ", metric: "l2", fragmentIDs: [8])) } throws: {
      ($0 as? TableError)?.code == .notFound
    }
    try dataset.addColumn(Field("label", .utf8))
    #expect(try dataset.schema().names == ["id", "vector", "label"])
    #expect(dataset.manifest.readerFeatures & TableFeatures.missingColumnsReadAsNull != 0)
    #expect { try dataset.addColumn(Field("label", .utf8)) } throws: { ($0 as? TableError)?.code == .alreadyExists }
    #expect { try dataset.addColumn(Field("count", .int64, nullable: false)) } throws: { ($0 as? TableError)?.code == .invalidArgument }
    #expect(try dataset.checkout(version: 3).schema().names == ["id", "vector"])
    try dataset.dropIndex(named: "vector_idx")
    #expect(dataset.indices.isEmpty)
  }
}

@Test func corruptLatestManifestIsTypedAndEarlierVersionsOpen() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema())
    try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 5)])
    try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 6)])
    let latest = dataset.layout.manifestURL(3)
    var bytes = try Data(contentsOf: latest)
    bytes[bytes.count / 2] ^= 0xFF
    try bytes.write(to: latest)
    #expect { try Dataset.open(at: url) } throws: { ($0 as? TableError)?.code == .corruptManifest }
    #expect(try Dataset.open(at: url, version: 2).liveRowCount == 5)
    try bytes.prefix(10).write(to: latest)
    #expect { try Dataset.open(at: url) } throws: { ($0 as? TableError)?.code == .corruptManifest }
    try Data().write(to: latest)
    #expect { try Dataset.open(at: url) } throws: { ($0 as? TableError)?.code == .corruptManifest }
    let listed = try Dataset.open(at: url, version: 1).versions()
    #expect(listed.map { $0.error?.code } == [nil, nil, .corruptManifest])
  }
}

@Test func cleanupRemovesOldVersionsButNotFilesOfCommitsInFlight() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema())
    try dataset.commitAppend([placeholderFragment(dataset.layout, rows: 5)])
    try dataset.delete(rowIDs: [0])
    try dataset.delete(rowIDs: [1])  // replaces the first deletion file
    try dataset.tag("keep", version: 2)
    // An unreferenced file as a writer in flight would have it.
    let inFlight = try placeholderFragment(dataset.layout, rows: 1)
    let firstDeletion = try #require(try dataset.checkout(version: 3).fragments[0].deletionFile?.path)

    // Nothing is old enough for a grace period of an hour: only manifests go.
    let report = try dataset.cleanup(keepVersions: 1)
    #expect(report.removedVersions == [1, 3, 4])
    #expect(report.removedFiles == 0)
    #expect(try dataset.layout.listVersions() == [2, 5])
    #expect(FileManager.default.fileExists(atPath: dataset.layout.url(relative: inFlight.dataFiles[0].path).path))

    // With no grace period the unreferenced files go, the referenced ones stay.
    let second = try dataset.cleanup(keepVersions: 1, inFlightGracePeriod: -1)
    #expect(second.removedFiles == 2)  // the in-flight placeholder and the first deletion file
    #expect(!FileManager.default.fileExists(atPath: dataset.layout.url(relative: firstDeletion).path))
    let reopened = try Dataset.open(at: url)
    #expect(try reopened.deletionVector(fragmentID: 0).offsets == [0, 1])
    #expect(try reopened.checkout(tag: "keep").liveRowCount == 5)
    #expect { try dataset.cleanup() } throws: { ($0 as? TableError)?.code == .invalidArgument }
  }
}

@Test func commitsWithoutFsyncAreStillExclusiveAndReadable() throws {
  try withTemporaryTable { url in
    let options = DatasetOptions(maxRowsPerFragment: 3, synchronousCommits: false)
    var writer = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<4)], options: options)
    var stale = writer
    try writer.append([smallBatch(4..<5)])
    try stale.append([smallBatch(5..<6)])
    try stale.delete(rowIDs: [0])
    #expect(stale.version == 4 && stale.fragmentIDs == [0, 1, 2, 3])
    #expect(try liveIDs(Dataset.open(at: url)) == [1, 2, 3, 4, 5])
  }
}

@Test func cleanupByAgeKeepsNewerLatestAndTaggedVersions() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<3)])
    try dataset.append([smallBatch(3..<6)])
    try dataset.tag("v1", version: 1)
    let cutoff = Date()
    usleep(20_000)
    try dataset.append([smallBatch(6..<9)])
    // Versions 1 (tagged) and 4, 5 (newer than the cutoff) stay; 2 and 3 go.
    let report = try dataset.cleanup(olderThan: cutoff, inFlightGracePeriod: -1)
    #expect(report.removedVersions == [2, 3])
    #expect(try dataset.layout.listVersions() == [1, 4])
    #expect(report.removedFiles == 0)  // every data file is still referenced by version 4
    #expect(try liveIDs(Dataset.open(at: url)) == (0..<9).map(Int64.init))
    #expect(try liveIDs(dataset.checkout(tag: "v1")) == [0, 1, 2])
    // Overwriting makes the old data files unreferenced once old versions go.
    let replaced = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(50..<51)], mode: .overwrite)
    let second = try replaced.cleanup(keepVersions: 1, inFlightGracePeriod: -1)
    #expect(second.removedVersions == [4])
    #expect(second.removedFiles == 2)  // fragments 1 and 2; fragment 0 is kept by tagged version 1
    #expect(try liveIDs(Dataset.open(at: url)) == [50])
    #expect(try liveIDs(replaced.checkout(tag: "v1")) == [0, 1, 2])
  }
}

@Test func openingReadsOnlyTheLatestManifest() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<2)])
    for start in stride(from: 2, to: 10, by: 2) { try dataset.append([smallBatch(start..<(start + 2))]) }
    // Every older manifest unreadable: opening the latest does not notice.
    for version in 1..<dataset.version {
      try Data("garbage".utf8).write(to: dataset.layout.manifestURL(version))
    }
    let opened = try Dataset.open(at: url)
    #expect(opened.version == 5 && opened.liveRowCount == 10)
    #expect(try liveIDs(opened) == (0..<10).map(Int64.init))
    #expect { try opened.checkout(version: 4) } throws: { ($0 as? TableError)?.code == .corruptManifest }
  }
}
