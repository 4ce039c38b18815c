import Foundation
import QuiverTable
import QuiverTestSupport
import Testing

/// `Dataset.cleanup` also removes what killed or failed writes leave that is not a file — index
/// folders no version names, empty or half filled, and empty folders — once they are older than
/// the grace period; never a referenced index folder, a manifest, or anything behind a symbolic
/// link (issue 16).
@Suite struct CleanupFolderTests {
  /// Two hours ago: older than the default grace period of one hour.
  static let old = Date().addingTimeInterval(-7200)

  /// A table of three rows at `url`, its manifest dated `old`.
  func makeTable(_ url: URL) throws -> Dataset {
    let dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<3)])
    try date(dataset.layout.manifestURL(1).path)
    return dataset
  }

  /// Makes the folder `relative` of the table at `url` (and those above), then dates each
  /// of `dated` (deepest first: dating a folder does not touch its parent).
  func makeFolder(_ relative: String, in url: URL, dated: [String]) throws {
    try FileManager.default.createDirectory(
      at: url.appendingPathComponent(relative), withIntermediateDirectories: true)
    for folder in dated { try date(url.appendingPathComponent(folder).path) }
  }

  /// Writes `count` bytes to the file `relative` of the table at `url`, dated `when`.
  func makeFile(_ relative: String, in url: URL, count: Int, when: Date = old) throws {
    let file = url.appendingPathComponent(relative)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(repeating: 3, count: count).write(to: file)
    try date(file.path, when)
  }

  func date(_ path: String, _ when: Date = old) throws {
    try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
  }

  func exists(_ relative: String, in url: URL) -> Bool {
    FileManager.default.fileExists(atPath: url.appendingPathComponent(relative).path)
  }

  @Test func anEmptyUnreferencedIndexFolderOlderThanTheGracePeriodIsRemoved() throws {
    try withTemporaryTable { url in
      let dataset = try makeTable(url)
      try makeFolder("_indices/killed", in: url, dated: ["_indices/killed"])
      let report = try dataset.cleanup(keepVersions: Int.max)
      #expect(report.removedFolders.map(\.path) == ["_indices/killed/"])
      #expect(report.removedFolders.map(\.bytes) == [0])
      #expect(report.removedPaths == ["_indices/killed/"])
      #expect(report.removedFiles == 0 && report.removedBytes == 0)
      #expect(!exists("_indices/killed", in: url))
      #expect(exists("_indices", in: url))
      #expect(try liveIDs(Dataset.open(at: url)) == [0, 1, 2])
    }
  }

  @Test func anEmptyIndexFolderYoungerThanTheGracePeriodIsKept() throws {
    try withTemporaryTable { url in
      let dataset = try makeTable(url)
      try makeFolder("_indices/building", in: url, dated: [])
      try date(url.appendingPathComponent("_indices/building").path, Date().addingTimeInterval(-60))
      let report = try dataset.cleanup(keepVersions: Int.max)
      #expect(report.removedFolders.isEmpty && report.removedPaths.isEmpty)
      #expect(exists("_indices/building", in: url))
      // A minute old, it goes with a grace period of half a minute.
      let shorter = try dataset.cleanup(keepVersions: Int.max, inFlightGracePeriod: 30)
      #expect(shorter.removedPaths == ["_indices/building/"])
      #expect(!exists("_indices/building", in: url))
    }
  }

  @Test func aReferencedIndexFolderIsNeverTouched() throws {
    try withTemporaryTable { url in
      var dataset = try makeTable(url)
      let entry = IndexEntry(
        uuid: "live", name: "vector_idx", column: "vector", indexType: "IVF_FLAT", metric: "l2",
        fragmentIDs: [0])
      try makeFile("_indices/live/ivf.meta", in: url, count: 40)
      try makeFolder("_indices/live/spare/deeper", in: url, dated: ["_indices/live/spare/deeper", "_indices/live/spare", "_indices/live"])
      try dataset.commitIndex(entry)
      let kept = try dataset.cleanup(keepVersions: 1, inFlightGracePeriod: -1)
      #expect(kept.removedVersions == [1])
      #expect(kept.removedPaths.isEmpty)
      #expect(exists("_indices/live/ivf.meta", in: url) && exists("_indices/live/spare/deeper", in: url))
      // Dropped, the index is still named by version 2 until that version goes.
      try dataset.dropIndex(named: "vector_idx")
      #expect(try dataset.cleanup(keepVersions: Int.max, inFlightGracePeriod: -1).removedPaths.isEmpty)
      #expect(exists("_indices/live/spare/deeper", in: url))
      let removed = try dataset.cleanup(keepVersions: 1, inFlightGracePeriod: -1)
      #expect(removed.removedFolders.map(\.path) == ["_indices/live/"])
      #expect(removed.removedFolders.map(\.bytes) == [40])
      #expect(removed.removedFiles == 1 && removed.removedBytes == 40)
      #expect(!exists("_indices/live", in: url))
    }
  }

  @Test func nestedEmptyFoldersGoDeepestFirstUnlessSomethingInsideIsYoung() throws {
    try withTemporaryTable { url in
      let dataset = try makeTable(url)
      try makeFolder("_indices/killed/a/b", in: url, dated: ["_indices/killed/a/b", "_indices/killed/a", "_indices/killed"])
      try makeFolder("data/tmp/deeper", in: url, dated: ["data/tmp/deeper", "data/tmp"])
      try makeFolder("_indices/half/young", in: url, dated: ["_indices/half"])
      try makeFile("_indices/half/old.bin", in: url, count: 5)
      try date(url.appendingPathComponent("_indices/half").path)
      let report = try dataset.cleanup(keepVersions: Int.max)
      #expect(report.removedFolders.map(\.path) == ["data/tmp/deeper/", "data/tmp/", "_indices/killed/"])
      #expect(!exists("data/tmp", in: url) && !exists("_indices/killed", in: url))
      #expect(exists("data", in: url))
      // A young folder inside keeps the whole unreferenced index folder, files and all.
      #expect(exists("_indices/half/old.bin", in: url) && exists("_indices/half/young", in: url))
    }
  }

  @Test func symbolicLinksAreNotFollowedAndNothingOutsideIsRemoved() throws {
    try withTemporaryTable { url in
      let dataset = try makeTable(url)
      let outside = url.deletingLastPathComponent().appendingPathComponent("outside")
      try FileManager.default.createDirectory(
        at: outside.appendingPathComponent("empty"), withIntermediateDirectories: true)
      try Data([7]).write(to: outside.appendingPathComponent("orphan.qvf"))
      for path in ["empty", "orphan.qvf", ""] { try date(outside.appendingPathComponent(path).path) }
      try makeFolder("_indices/killed", in: url, dated: [])
      for link in ["_indices/linked", "_indices/killed/link", "data/link", "_deletions"] {
        try FileManager.default.createSymbolicLink(
          at: url.appendingPathComponent(link), withDestinationURL: outside)
      }
      try date(url.appendingPathComponent("_indices/killed").path)
      let report = try dataset.cleanup(keepVersions: Int.max, inFlightGracePeriod: -1)
      #expect(report.removedPaths.isEmpty)
      #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).sorted() == ["empty", "orphan.qvf"])
      for link in ["_indices/linked", "_indices/killed/link", "data/link", "_deletions"] {
        #expect(
          try FileManager.default.destinationOfSymbolicLink(
            atPath: url.appendingPathComponent(link).path) == outside.path)
      }
    }
  }

  @Test func orphanTemporaryPartialAndStrayFilesGoButManifestsStay() throws {
    try withTemporaryTable { url in
      var dataset = try makeTable(url)
      try dataset.append([smallBatch(3..<5)])
      try date(dataset.layout.manifestURL(2).path)
      let orphans = [
        "data/.0f1e.qvf.8c2a.tmp", "data/partial.qvf", "_deletions/0-1-dead.del",
        "_versions/.00000000000000000003.manifest.77aa.tmp", "_versions/stray.txt",
        "_versions/sub/00000000000000000004.manifest", "_indices/stray.bin",
      ]
      for (index, path) in orphans.enumerated() { try makeFile(path, in: url, count: index + 1) }
      try makeFile("data/young.qvf", in: url, count: 9, when: Date())
      try date(url.appendingPathComponent("_versions/sub").path)
      let report = try dataset.cleanup(keepVersions: Int.max)
      #expect(Set(report.removedPaths) == Set(orphans + ["_versions/sub/"]))
      #expect(report.removedFiles == orphans.count)
      #expect(report.removedBytes == (1...orphans.count).reduce(0, +))
      #expect(report.removedFolders.map(\.path) == ["_versions/sub/"])
      #expect(report.removedFolders.map(\.bytes) == [6])
      #expect(report.removedVersions.isEmpty)
      #expect(exists("data/young.qvf", in: url))
      let reopened = try Dataset.open(at: url)
      #expect(try reopened.versions().map(\.version) == [1, 2])
      #expect(try liveIDs(reopened) == [0, 1, 2, 3, 4])
      #expect(try liveIDs(reopened.checkout(version: 1)) == [0, 1, 2])
    }
  }
}
