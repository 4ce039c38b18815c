import Foundation

extension Dataset {
  /// Records an index (whose files the index module wrote into `indexFolder(uuid:)`) as a new
  /// version; an entry with the same name is replaced.
  /// - Throws: `TableError.notFound` if the column or a covered fragment does not exist,
  ///   `.commitConflict` if a concurrent compaction removed covered fragments.
  public mutating func commitIndex(_ entry: IndexEntry) throws {
    try requireWritable("commit an index")
    let covered = entry.fragmentIDs.sorted()
    manifest = try committed(
      intent: CommitOperation(kind: .createIndex, updatedFragmentIDs: covered, name: entry.name)
    ) { base in
      guard base.fields.contains(where: { $0.name == entry.column }) else {
        throw TableError(
          .notFound, "index '\(entry.name)': table '\(location)' has no column '\(entry.column)'")
      }
      let present = Set(base.fragments.map(\.id))
      if let missing = covered.first(where: { !present.contains($0) }) {
        throw TableError(
          .notFound,
          "index '\(entry.name)' covers fragment \(missing), which '\(location)' version \(base.version) does not have"
        )
      }
      var manifest = base
      var committed = entry
      committed.fragmentIDs = covered
      committed.createdInVersion = base.version + 1
      manifest.indices.removeAll { $0.name == entry.name }
      manifest.indices.append(committed)
      manifest.operation = CommitOperation(
        kind: .createIndex, updatedFragmentIDs: covered, name: entry.name)
      return manifest
    }
  }

  /// Removes the index entry named `name` (its files go at the next cleanup).
  /// - Throws: `TableError.notFound` for an unknown index.
  public mutating func dropIndex(named name: String) throws {
    try requireWritable("drop an index")
    manifest = try committed(intent: CommitOperation(kind: .dropIndex, name: name)) { base in
      guard base.indices.contains(where: { $0.name == name }) else {
        throw TableError(.notFound, "table '\(location)' has no index '\(name)'")
      }
      var manifest = base
      manifest.indices.removeAll { $0.name == name }
      manifest.operation = CommitOperation(kind: .dropIndex, name: name)
      return manifest
    }
  }
}
