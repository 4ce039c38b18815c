import Foundation
import QuiverFormat
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverTable

@Test func replaceRowsDeletesAndAppendsInOneVersion() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [try smallBatch(0..<10)])
    #expect(dataset.version == 1 && dataset.fragmentIDs == [0])
    let result = try dataset.replaceRows(
      deleting: [RowID.make(fragmentID: 0, offset: 2), RowID.make(fragmentID: 0, offset: 5)],
      appending: [try smallBatch(100..<103)])
    #expect(result.deleted == 2 && result.addedFragmentIDs == [1])
    #expect(dataset.version == 2)
    let operation = dataset.manifest.operation
    #expect(operation.kind == .update && operation.addedFragmentIDs == [1])
    #expect(operation.updatedFragmentIDs == [0] && operation.removedFragmentIDs.isEmpty)
    let expected: [Int64] = [0, 1, 3, 4, 6, 7, 8, 9, 100, 101, 102]
    #expect(try liveIDs(dataset) == expected)
    // A reopened table sees both effects, and the version list records one update.
    let reopened = try Dataset.open(at: url)
    #expect(reopened.version == 2 && reopened.liveRowCount == 11)
    #expect(try liveIDs(reopened) == expected)
    #expect(try reopened.deletionVector(fragmentID: 0).offsets == [2, 5])
    #expect(try reopened.versions().map(\.operation) == [.create, .update])
    // The previous version still has neither effect.
    #expect(try liveIDs(Dataset.open(at: url, version: 1)) == Array(0..<10))
    // Emptying a fragment drops it in the same commit as the append.
    let emptied = try dataset.replaceRows(
      deleting: (0..<3).map { RowID.make(fragmentID: 1, offset: $0) }, appending: [try smallBatch(200..<201)])
    #expect(emptied.deleted == 3 && emptied.addedFragmentIDs == [2] && dataset.version == 3)
    #expect(dataset.fragmentIDs == [0, 2] && dataset.manifest.operation.removedFragmentIDs == [1])
    // Nothing to delete and nothing to append commits nothing; only one of them commits one.
    let nothing = try dataset.replaceRows(deleting: [RowID.make(fragmentID: 0, offset: 2)], appending: [])
    #expect(nothing.deleted == 0 && nothing.addedFragmentIDs.isEmpty)
    #expect(dataset.version == 3)
    #expect(try dataset.replaceRows(deleting: [], appending: [try smallBatch(300..<302)]).addedFragmentIDs == [3])
    #expect(dataset.version == 4 && dataset.liveRowCount == 11)
  }
}

@Test func replaceRowsRejectsBadInputWithoutCommitting() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [try smallBatch(0..<4)])
    #expect {
      try dataset.replaceRows(deleting: [RowID.make(fragmentID: 7, offset: 0)], appending: [try smallBatch(9..<10)])
    } throws: { ($0 as? TableError)?.code == .invalidArgument }
    let wrong = try RecordBatch(schema: Schema([Field("name", .utf8)]), columns: [Column(["x"])])
    #expect {
      try dataset.replaceRows(deleting: [RowID.make(fragmentID: 0, offset: 0)], appending: [wrong])
    } throws: { ($0 as? TableError)?.code == .schemaMismatch }
    #expect(try dataset.latestVersionNumber() == 1)
    #expect(try liveIDs(Dataset.open(at: url)) == [0, 1, 2, 3])
  }
}

@Test func replaceRowsRebasesOverConcurrentAppendAndConflictsOverConcurrentDelete() throws {
  try withTemporaryTable { url in
    var writerA = try Dataset.create(
      at: url, schema: try smallSchema(), batches: [try smallBatch(0..<5), try smallBatch(5..<10)],
      options: DatasetOptions(maxRowsPerFragment: 5))
    #expect(writerA.fragmentIDs == [0, 1])
    var writerB = try Dataset.open(at: url)
    var writerC = try Dataset.open(at: url)
    // A appends (version 2); B, still on version 1, rebases: its new fragment gets a fresh id.
    try writerA.append([try smallBatch(20..<22)])
    let rebased = try writerB.replaceRows(
      deleting: [RowID.make(fragmentID: 0, offset: 1)], appending: [try smallBatch(50..<51)])
    #expect(rebased.deleted == 1 && rebased.addedFragmentIDs == [3])
    #expect(writerB.version == 3 && writerB.fragmentIDs == [0, 1, 2, 3])
    #expect(try liveIDs(Dataset.open(at: url)) == [0, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 50])
    // C, still on version 1, deletes from fragment 0 too: B's update touched it, so C's update
    // is a typed conflict and nothing of it is visible.
    #expect {
      try writerC.replaceRows(deleting: [RowID.make(fragmentID: 0, offset: 3)], appending: [try smallBatch(60..<61)])
    } throws: { ($0 as? TableError)?.code == .commitConflict }
    #expect(try writerA.latestVersionNumber() == 3)
    // A plain delete racing an update on the same fragment conflicts the same way.
    var writerD = try Dataset.open(at: url)
    var writerE = try Dataset.open(at: url)
    try writerD.delete(rowIDs: [RowID.make(fragmentID: 1, offset: 0)])
    #expect {
      try writerE.replaceRows(deleting: [RowID.make(fragmentID: 1, offset: 4)], appending: [try smallBatch(70..<71)])
    } throws: { ($0 as? TableError)?.code == .commitConflict }
    // ... but on a different fragment it rebases.
    let other = try writerE.replaceRows(deleting: [RowID.make(fragmentID: 2, offset: 0)], appending: [])
    #expect(other.deleted == 1 && writerE.version == 5)
    #expect(try liveIDs(Dataset.open(at: url)) == [0, 2, 3, 4, 6, 7, 8, 9, 21, 50])
  }
}

@Test func updateConflictRules() {
  func operation(_ kind: CommitOperation.Kind, removed: [UInt32] = [], updated: [UInt32] = [], name: String? = nil)
    -> CommitOperation
  {
    CommitOperation(kind: kind, removedFragmentIDs: removed, updatedFragmentIDs: updated, name: name)
  }
  let update = operation(.update, updated: [1, 2])
  for theirs in [
    operation(.append), operation(.delete, updated: [3]), operation(.update, updated: [4]),
    operation(.compact, removed: [5]), operation(.tag, name: "t"), operation(.createIndex, name: "i"),
    operation(.addColumn, name: "c"),
  ] {
    #expect(ConflictRules.isCompatible(ours: update, theirs: theirs))
  }
  for theirs in [
    operation(.delete, updated: [2]), operation(.delete, removed: [1]), operation(.update, updated: [1]),
    operation(.compact, removed: [2, 9]), operation(.overwrite), operation(.restore), operation(.create),
  ] {
    #expect(!ConflictRules.isCompatible(ours: update, theirs: theirs))
  }
  // Others see an update like a delete.
  #expect(!ConflictRules.isCompatible(ours: operation(.delete, updated: [1]), theirs: operation(.update, updated: [1])))
  #expect(!ConflictRules.isCompatible(ours: operation(.compact, removed: [1]), theirs: operation(.update, updated: [1])))
  #expect(ConflictRules.isCompatible(ours: operation(.compact, removed: [1]), theirs: operation(.update, updated: [2])))
  #expect(!ConflictRules.isCompatible(ours: operation(.createIndex, updated: [1], name: "i"), theirs: operation(.update, removed: [1])))
  #expect(ConflictRules.isCompatible(ours: operation(.append), theirs: update))
}
