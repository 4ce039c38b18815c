import Foundation
import QuiverFormat
import QuiverStorage

extension Dataset {
  /// Deletes rows by row id, writing one new deletion file per touched fragment (data files
  /// are never rewritten). Rows already deleted are ignored; a fragment whose rows are all
  /// deleted is removed from the version.
  /// - Returns: How many rows were newly deleted (0 commits nothing).
  /// - Throws: `TableError.invalidArgument` for a row id of no fragment or past its end,
  ///   `.commitConflict` if a concurrent commit changed the same fragments.
  @discardableResult
  public mutating func delete(rowIDs: some Sequence<UInt64>) throws -> Int {
    try requireWritable("delete")
    let deletion = try prepareDeletion(rowIDs)
    guard deletion.newlyDeleted > 0 else { return 0 }
    manifest = try committed(
      intent: CommitOperation(kind: .delete, updatedFragmentIDs: deletion.touchedFragmentIDs)
    ) { base in
      var manifest = base
      try apply(deletion, to: &manifest)
      manifest.operation = CommitOperation(
        kind: .delete, removedFragmentIDs: deletion.emptiedFragmentIDs,
        updatedFragmentIDs: deletion.replacedFragmentIDs)
      return manifest
    }
    return deletion.newlyDeleted
  }

  /// Deletes rows by row id and appends `batches` as new fragments in ONE new version: a
  /// reader (or a crash) sees either neither change or both. This is how rows are updated:
  /// the new copies get new row ids. Deletion follows `delete(rowIDs:)`, appending
  /// `append(_:)` (fragments of at most `options.maxRowsPerFragment` rows).
  /// - Returns: How many rows were newly deleted and the ids of the new fragments (nothing is
  ///   committed when both are empty).
  /// - Throws: `TableError.invalidArgument` for a bad row id, `.schemaMismatch` for a bad
  ///   batch, `.commitConflict` if a concurrent delete, update or compaction changed a fragment
  ///   we delete from (or an overwrite or restore won).
  @discardableResult
  public mutating func replaceRows(
    deleting rowIDs: some Sequence<UInt64>, appending batches: [RecordBatch]
  ) throws -> (deleted: Int, addedFragmentIDs: [UInt32]) {
    try requireWritable("replace rows")
    let deletion = try prepareDeletion(rowIDs)
    let fragments = try writeFragments(batches, schema: try schema())
    guard deletion.newlyDeleted > 0 || !fragments.isEmpty else { return (0, []) }
    var assigned: [UInt32] = []
    manifest = try committed(
      intent: CommitOperation(kind: .update, updatedFragmentIDs: deletion.touchedFragmentIDs)
    ) { base in
      var manifest = base
      try apply(deletion, to: &manifest)
      assigned = Dataset.appendFragments(fragments, to: &manifest)
      manifest.operation = CommitOperation(
        kind: .update, addedFragmentIDs: assigned, removedFragmentIDs: deletion.emptiedFragmentIDs,
        updatedFragmentIDs: deletion.replacedFragmentIDs)
      return manifest
    }
    return (deletion.newlyDeleted, assigned)
  }

  /// Validates `rowIDs` against this version and writes (durably) one merged deletion file
  /// per fragment that gets newly deleted rows and is not emptied; nothing is committed.
  func prepareDeletion(_ rowIDs: some Sequence<UInt64>) throws -> PreparedDeletion {
    var byFragment: [UInt32: [UInt32]] = [:]
    for rowID in rowIDs { byFragment[RowID.fragmentID(rowID), default: []].append(RowID.offset(rowID)) }
    var prepared = PreparedDeletion(readManifest: manifest)
    for (fragmentID, offsets) in byFragment.sorted(by: { $0.key < $1.key }) {
      guard let fragment = manifest.fragment(fragmentID) else {
        throw TableError(
          .invalidArgument,
          "row id \(RowID.make(fragmentID: fragmentID, offset: offsets[0])): table '\(location)' version \(version) has no fragment \(fragmentID)"
        )
      }
      if let bad = offsets.first(where: { Int($0) >= fragment.physicalRowCount }) {
        throw TableError(
          .invalidArgument,
          "row id \(RowID.make(fragmentID: fragmentID, offset: bad)): fragment \(fragmentID) has \(fragment.physicalRowCount) rows"
        )
      }
      let existing = try readers.deletionVector(of: fragment, layout: layout)
      let merged = existing.union(DeletionVector(offsets))
      guard merged.count > existing.count else { continue }
      prepared.newlyDeleted += merged.count - existing.count
      if merged.count == fragment.physicalRowCount {
        prepared.emptiedFragmentIDs.append(fragmentID)
        continue
      }
      let path = layout.newDeletionFilePath(fragmentID: fragmentID, readVersion: version)
      try writeNewObject(
        path,
        DeletionFileCodec.encode(
          merged, fragmentID: fragmentID, physicalRowCount: fragment.physicalRowCount))
      prepared.replacements[fragmentID] = DeletionFileRecord(
        path: path, deletedRowCount: merged.count)
    }
    return prepared
  }

  /// Applies a prepared deletion to `manifest` (the latest committed one, inside a commit):
  /// installs the new deletion files, drops emptied fragments (also from index entries).
  /// - Throws: `TableError.commitConflict` if a touched fragment changed since preparation.
  func apply(_ deletion: PreparedDeletion, to manifest: inout Manifest) throws {
    let emptied = Set(deletion.emptiedFragmentIDs)
    for fragmentID in deletion.touchedFragmentIDs {
      // The conflict rules guarantee nobody else changed these fragments; check anyway.
      guard let index = manifest.fragments.firstIndex(where: { $0.id == fragmentID }),
        manifest.fragments[index].deletionFile
          == deletion.readManifest.fragment(fragmentID)?.deletionFile
      else {
        throw TableError(
          .commitConflict, "fragment \(fragmentID) of '\(location)' changed concurrently")
      }
      if let record = deletion.replacements[fragmentID] {
        manifest.fragments[index].deletionFile = record
      }
    }
    guard !emptied.isEmpty else { return }
    manifest.fragments.removeAll { emptied.contains($0.id) }
    manifest.indices = manifest.indices.map { entry in
      var entry = entry
      entry.fragmentIDs.removeAll { emptied.contains($0) }
      return entry
    }
  }
}
