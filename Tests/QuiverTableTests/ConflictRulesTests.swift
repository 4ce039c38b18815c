import Testing

@testable import QuiverTable

private func operation(_ kind: CommitOperation.Kind, removed: [UInt32] = [], updated: [UInt32] = [], name: String? = nil) -> CommitOperation {
  CommitOperation(kind: kind, removedFragmentIDs: removed, updatedFragmentIDs: updated, name: name)
}

@Test func appendsRebaseOverEverythingButReplacements() {
  let append = operation(.append)
  for theirs in [operation(.append), operation(.delete, updated: [1]), operation(.compact, removed: [1]),
                 operation(.tag, name: "a"), operation(.createIndex, name: "i"), operation(.addColumn, name: "c")] {
    #expect(ConflictRules.isCompatible(ours: append, theirs: theirs))
  }
  for theirs in [operation(.overwrite), operation(.restore), operation(.create)] {
    #expect(!ConflictRules.isCompatible(ours: append, theirs: theirs))
  }
}

@Test func deletesConflictOnlyOnSharedFragments() {
  #expect(ConflictRules.isCompatible(ours: operation(.delete, updated: [1, 2]), theirs: operation(.delete, updated: [3])))
  #expect(!ConflictRules.isCompatible(ours: operation(.delete, updated: [1, 2]), theirs: operation(.delete, updated: [2])))
  #expect(!ConflictRules.isCompatible(ours: operation(.delete, updated: [1]), theirs: operation(.compact, removed: [1, 5])))
  #expect(ConflictRules.isCompatible(ours: operation(.delete, updated: [1]), theirs: operation(.compact, removed: [4, 5])))
  #expect(!ConflictRules.isCompatible(ours: operation(.compact, removed: [4]), theirs: operation(.delete, updated: [4])))
}

@Test func indexesTagsAndColumns() {
  #expect(!ConflictRules.isCompatible(ours: operation(.createIndex, updated: [1], name: "i"), theirs: operation(.compact, removed: [1])))
  #expect(ConflictRules.isCompatible(ours: operation(.createIndex, updated: [1], name: "i"), theirs: operation(.append)))
  #expect(!ConflictRules.isCompatible(ours: operation(.createIndex, name: "i"), theirs: operation(.createIndex, name: "i")))
  #expect(ConflictRules.isCompatible(ours: operation(.createIndex, name: "i"), theirs: operation(.createIndex, name: "j")))
  #expect(!ConflictRules.isCompatible(ours: operation(.tag, name: "t"), theirs: operation(.tag, name: "t")))
  #expect(!ConflictRules.isCompatible(ours: operation(.addColumn, name: "a"), theirs: operation(.addColumn, name: "b")))
  #expect(ConflictRules.isCompatible(ours: operation(.overwrite), theirs: operation(.append)))
  #expect(!ConflictRules.isCompatible(ours: operation(.create), theirs: operation(.append)))
}

@Test func aDeleteThatDroppedAFragmentConflictsWithWorkOnIt() {
  let dropped = CommitOperation(kind: .delete, removedFragmentIDs: [4], updatedFragmentIDs: [1])
  #expect(!ConflictRules.isCompatible(ours: operation(.delete, updated: [4]), theirs: dropped))
  #expect(!ConflictRules.isCompatible(ours: operation(.compact, removed: [3, 4]), theirs: dropped))
  #expect(!ConflictRules.isCompatible(ours: operation(.createIndex, updated: [4], name: "i"), theirs: dropped))
  #expect(ConflictRules.isCompatible(ours: operation(.createIndex, updated: [1], name: "i"), theirs: dropped))
  #expect(ConflictRules.isCompatible(ours: operation(.delete, updated: [2]), theirs: dropped))
}
