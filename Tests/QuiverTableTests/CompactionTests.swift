import Foundation
import QuiverFormat
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverTable

@Test func compactionMergesSmallFragmentsMaterialisesDeletionsAndMapsRowIDs() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema())
    for start in stride(from: 0, to: 50, by: 10) { try dataset.append([smallBatch(start..<(start + 10))]) }
    #expect(dataset.fragmentIDs == [0, 1, 2, 3, 4])
    try dataset.delete(rowIDs: [RowID.make(fragmentID: 1, offset: 0), RowID.make(fragmentID: 3, offset: 9)])
    try dataset.commitIndex(IndexEntry(name: "idx", column: "vector", indexType: "IVF_FLAT", metric: "l2", fragmentIDs: [0, 1, 2, 3, 4]))
    let before = try dataset.readAll()
    let oldVersion = dataset.version

    let result = try #require(try dataset.compact(CompactionOptions(targetRowsPerFragment: 25)))
    #expect(result.removedFragmentIDs == [0, 1, 2, 3, 4])
    #expect(result.addedFragmentIDs == [5, 6])
    #expect(dataset.fragments.map(\.physicalRowCount) == [25, 23])
    #expect(dataset.fragments.allSatisfy { $0.deletionFile == nil })
    #expect(dataset.indices[0].fragmentIDs.isEmpty)
    // Same rows, same order, new ids; every old live row maps to a row holding the same values.
    let after = try dataset.readAll()
    #expect(after.batch == before.batch)
    for (old, row) in zip(before.rowIDs, 0...) {
      let new = try #require(result.rowIDMap.newRowID(for: old))
      #expect(new == after.rowIDs[row])
    }
    #expect(result.rowIDMap.newRowID(for: RowID.make(fragmentID: 1, offset: 0)) == nil)
    #expect(try dataset.rowIDMap(compactionVersion: dataset.version) == result.rowIDMap)
    #expect { try dataset.rowIDMap(compactionVersion: 1) } throws: { ($0 as? TableError)?.code == .notFound }
    // The old version still reads through its own files.
    #expect(try dataset.checkout(version: oldVersion).readAll().batch == before.batch)
    // Nothing left to do.
    #expect(try dataset.compact(CompactionOptions(targetRowsPerFragment: 25)) == nil)
  }
}

@Test func compactionLeavesLargeCleanFragmentsAndConflictsWithDeleteOnSameFragment() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<30)], options: DatasetOptions(maxRowsPerFragment: 10))
    try dataset.append([smallBatch(30..<33)])
    try dataset.append([smallBatch(33..<36)])
    var stale = dataset
    let result = try #require(try dataset.compact(CompactionOptions(targetRowsPerFragment: 10)))
    #expect(result.removedFragmentIDs == [3, 4] && dataset.fragmentIDs == [0, 1, 2, 5])
    #expect(result.rowIDMap.newRowID(for: RowID.make(fragmentID: 0, offset: 4)) == RowID.make(fragmentID: 0, offset: 4))
    #expect(result.rowIDMap.newRowID(for: RowID.make(fragmentID: 4, offset: 1)) == RowID.make(fragmentID: 5, offset: 4))
    // A writer that read before the compaction cannot delete from a rewritten fragment ...
    #expect { try stale.delete(rowIDs: [RowID.make(fragmentID: 3, offset: 0)]) } throws: {
      ($0 as? TableError)?.code == .commitConflict
    }
    // ... but can from an untouched one, and its append rebases.
    #expect(try stale.delete(rowIDs: [RowID.make(fragmentID: 0, offset: 0)]) == 1)
    try stale.append([smallBatch(36..<37)])
    #expect(stale.fragmentIDs == [0, 1, 2, 5, 6])
    #expect(try liveIDs(stale) == (1..<37).map(Int64.init))
  }
}

@Test func rowIDMapFileRoundTripsAndDetectsDamage() throws {
  let map = RowIDMap(removedFragmentIDs: [3, 1], pairs: [(RowID.make(fragmentID: 3, offset: 2), 99), (5, 7)])
  let bytes = RowIDMapCodec.encode(map)
  #expect(try RowIDMapCodec.decode(bytes, source: URL(fileURLWithPath: "/m")) == map)
  var damaged = bytes
  damaged[20] ^= 1
  #expect { try RowIDMapCodec.decode(damaged, source: URL(fileURLWithPath: "/m")) } throws: { ($0 as? TableError)?.code == .corruptDeletionFile }
}
