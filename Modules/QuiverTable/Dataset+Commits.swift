import Foundation
import QuiverFormat
import QuiverStorage

/// How `Dataset.create` treats an existing table.
public enum CreateMode: String, Sendable, Hashable, CaseIterable {
  /// Fail with `TableError.alreadyExists` if a table exists.
  case create
  /// Commit a new version that replaces the data and schema of an existing table.
  case overwrite
  /// Open an existing table (its schema must match) instead of creating one.
  case existOk
}

/// A fragment whose data files are written but not yet committed.
package struct NewFragment: Sendable, Hashable {
  /// The number of rows in the data files.
  package var physicalRowCount: Int
  /// The data files (paths relative to the table folder).
  package var dataFiles: [DataFileRecord]

  /// Creates a record of written data files.
  package init(physicalRowCount: Int, dataFiles: [DataFileRecord]) {
    self.physicalRowCount = physicalRowCount
    self.dataFiles = dataFiles
  }
}

extension Dataset {
  /// Creates (or overwrites, or opens) the table in `url` with the given schema fields and
  /// already written fragments.
  package static func create(
    at url: URL, fields: [ManifestField], schemaMetadata: [String: String] = [:],
    fragments: [NewFragment], mode: CreateMode, options: DatasetOptions
  ) throws -> Dataset {
    let layout = TableLayout(root: url)
    try TableError.translatingStorageErrors {
      for folder in [TableLayout.dataPath, TableLayout.versionsPath] {
        try layout.storage().createFolder(folder)
      }
    }
    if let latest = try layout.latestVersion() {
      switch mode {
      case .create:
        throw TableError(.alreadyExists, "a table already exists in '\(url.path)'")
      case .existOk:
        let existing = try layout.readManifest(latest)
        try checkSameSchema(existing.fields, fields, url: url)
        return Dataset(layout: layout, manifest: existing, isReadOnly: false, options: options)
      case .overwrite:
        var dataset = Dataset(
          layout: layout, manifest: try layout.readManifest(latest), isReadOnly: false,
          options: options)
        dataset.manifest = try dataset.committed(intent: CommitOperation(kind: .overwrite)) { base in
          var manifest = base
          manifest.fields = fields
          manifest.schemaMetadata = schemaMetadata
          manifest.indices = []
          let (records, ids) = assignIDs(fragments, from: base.nextFragmentID)
          manifest.fragments = records
          manifest.operation = CommitOperation(
            kind: .overwrite, addedFragmentIDs: ids, removedFragmentIDs: base.fragments.map(\.id))
          return manifest
        }
        return dataset
      }
    }
    do {
      let manifest = try CommitEngine.commit(
        layout: layout, base: nil, intent: CommitOperation(kind: .create), maxRetries: 0,
        synchronous: options.synchronousCommits
      ) { _ in
        let (records, ids) = assignIDs(fragments, from: 0)
        return Manifest(
          version: 1, timestampMicroseconds: 0,
          operation: CommitOperation(kind: .create, addedFragmentIDs: ids), fields: fields,
          schemaMetadata: schemaMetadata, fragments: records, nextFragmentID: 0, indices: [],
          tags: [:], readerFeatures: 0, writerFeatures: 0)
      }
      return Dataset(layout: layout, manifest: manifest, isReadOnly: false, options: options)
    } catch let error as TableError where error.code == .alreadyExists && mode != .create {
      // Another process created it between our listing and our commit.
      return try create(
        at: url, fields: fields, schemaMetadata: schemaMetadata, fragments: fragments,
        mode: mode, options: options)
    }
  }

  /// Commits already written fragments as one append.
  /// - Returns: The ids given to the new fragments.
  @discardableResult
  package mutating func commitAppend(_ fragments: [NewFragment]) throws -> [UInt32] {
    try requireWritable("append")
    var assigned: [UInt32] = []
    manifest = try committed(intent: CommitOperation(kind: .append)) { base in
      var manifest = base
      assigned = Dataset.appendFragments(fragments, to: &manifest)
      manifest.operation = CommitOperation(kind: .append, addedFragmentIDs: assigned)
      return manifest
    }
    return assigned
  }

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

  /// Deletion files written for a delete that is not yet committed.
  struct PreparedDeletion {
    /// The manifest the deletion was prepared on.
    var readManifest: Manifest
    /// New deletion files by fragment id.
    var replacements: [UInt32: DeletionFileRecord] = [:]
    /// Fragments whose rows are now all deleted (dropped from the version).
    var emptiedFragmentIDs: [UInt32] = []
    /// How many rows are newly deleted.
    var newlyDeleted = 0

    /// Fragments that get a new deletion file, ascending.
    var replacedFragmentIDs: [UInt32] { replacements.keys.sorted() }
    /// Every fragment the deletion changes, ascending.
    var touchedFragmentIDs: [UInt32] { (Array(replacements.keys) + emptiedFragmentIDs).sorted() }
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
          "row id \(RowID.make(fragmentID: fragmentID, offset: offsets[0])): table '\(url.path)' version \(version) has no fragment \(fragmentID)"
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
          .commitConflict, "fragment \(fragmentID) of '\(url.path)' changed concurrently")
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

  /// Makes the content of `version` (schema, fragments, indexes) the new latest version; tags
  /// are kept as they are in the latest version.
  /// - Throws: `TableError.notFound` for an unknown version.
  public mutating func restore(version restored: UInt64) throws {
    let source = try layout.readManifest(restored)
    try restore(from: source)
  }

  /// Makes the content of this snapshot the new latest version (for a view from
  /// `checkout(version:)`, which becomes writable at the new version).
  public mutating func restore() throws {
    let source = manifest
    try restore(from: source)
  }

  private mutating func restore(from source: Manifest) throws {
    if isReadOnly {
      guard let latest = try layout.latestVersion() else {
        throw TableError(.notFound, "no table in '\(url.path)'")
      }
      manifest = try layout.readManifest(latest)
      isReadOnly = false
    }
    manifest = try committed(intent: CommitOperation(kind: .restore, restoredVersion: source.version)) { base in
      var manifest = source
      manifest.tags = base.tags
      manifest.nextFragmentID = max(base.nextFragmentID, source.nextFragmentID)
      let now = Set(source.fragments.map(\.id))
      let before = Set(base.fragments.map(\.id))
      manifest.operation = CommitOperation(
        kind: .restore, addedFragmentIDs: now.subtracting(before).sorted(),
        removedFragmentIDs: before.subtracting(now).sorted(), restoredVersion: source.version)
      return manifest
    }
  }

  /// Gives `version` the name `tag` (committed as a new version whose manifest lists it).
  /// - Throws: `TableError.alreadyExists` if the tag exists, `.notFound` for an unknown version,
  ///   `.invalidArgument` for an empty name.
  public mutating func tag(_ tag: String, version tagged: UInt64) throws {
    try requireWritable("tag")
    guard !tag.isEmpty else { throw TableError(.invalidArgument, "a tag name is empty") }
    guard try layout.listVersions().contains(tagged) else {
      throw TableError(.notFound, "table '\(url.path)' has no version \(tagged) to tag '\(tag)'")
    }
    manifest = try committed(intent: CommitOperation(kind: .tag, name: tag)) { base in
      if let existing = base.tags[tag] {
        throw TableError(
          .alreadyExists, "tag '\(tag)' of '\(url.path)' already names version \(existing)")
      }
      var manifest = base
      manifest.tags[tag] = tagged
      manifest.operation = CommitOperation(kind: .tag, name: tag)
      return manifest
    }
  }

  /// Removes the tag `tag`.
  /// - Throws: `TableError.notFound` for an unknown tag.
  public mutating func deleteTag(_ tag: String) throws {
    try requireWritable("delete a tag")
    manifest = try committed(intent: CommitOperation(kind: .tag, name: tag)) { base in
      guard base.tags[tag] != nil else {
        throw TableError(.notFound, "table '\(url.path)' has no tag '\(tag)'")
      }
      var manifest = base
      manifest.tags[tag] = nil
      manifest.operation = CommitOperation(kind: .tag, name: tag)
      return manifest
    }
  }

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
          .notFound, "index '\(entry.name)': table '\(url.path)' has no column '\(entry.column)'")
      }
      let present = Set(base.fragments.map(\.id))
      if let missing = covered.first(where: { !present.contains($0) }) {
        throw TableError(
          .notFound,
          "index '\(entry.name)' covers fragment \(missing), which '\(url.path)' version \(base.version) does not have"
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
        throw TableError(.notFound, "table '\(url.path)' has no index '\(name)'")
      }
      var manifest = base
      manifest.indices.removeAll { $0.name == name }
      manifest.operation = CommitOperation(kind: .dropIndex, name: name)
      return manifest
    }
  }

  /// Adds a nullable column; existing rows read it as null (no data file is rewritten).
  package mutating func addColumn(_ field: ManifestField) throws {
    try requireWritable("add a column")
    guard field.nullable else {
      throw TableError(
        .invalidArgument, "column '\(field.name)' must be nullable to be added to existing rows")
    }
    manifest = try committed(intent: CommitOperation(kind: .addColumn, name: field.name)) { base in
      guard !base.fields.contains(where: { $0.name == field.name }) else {
        throw TableError(.alreadyExists, "table '\(url.path)' already has a column '\(field.name)'")
      }
      var manifest = base
      manifest.fields.append(field)
      manifest.operation = CommitOperation(kind: .addColumn, name: field.name)
      return manifest
    }
  }

  /// Commits through `CommitEngine` on top of this snapshot; the caller moves to the result.
  package func committed(
    intent: CommitOperation, build: (Manifest) throws -> Manifest
  ) throws -> Manifest {
    try CommitEngine.commit(
      layout: layout, base: manifest, intent: intent, maxRetries: options.maxCommitRetries,
      synchronous: options.synchronousCommits
    ) { base in try build(base!) }
  }

  /// Adds `fragments` to `manifest` with fresh ids from its `nextFragmentID`.
  /// - Returns: The ids given.
  static func appendFragments(_ fragments: [NewFragment], to manifest: inout Manifest) -> [UInt32] {
    let (records, ids) = assignIDs(fragments, from: manifest.nextFragmentID)
    manifest.fragments += records
    return ids
  }

  static func assignIDs(_ fragments: [NewFragment], from first: UInt32) -> (
    [FragmentMetadata], [UInt32]
  ) {
    var records: [FragmentMetadata] = []
    var ids: [UInt32] = []
    for (position, fragment) in fragments.enumerated() {
      let id = first + UInt32(position)
      ids.append(id)
      records.append(
        FragmentMetadata(
          id: id, physicalRowCount: fragment.physicalRowCount, dataFiles: fragment.dataFiles))
    }
    return (records, ids)
  }

  static func checkSameSchema(_ existing: [ManifestField], _ wanted: [ManifestField], url: URL)
    throws
  {
    guard existing.map({ [$0.name, $0.type] }) == wanted.map({ [$0.name, $0.type] }) else {
      throw TableError(
        .schemaMismatch,
        "table '\(url.path)' exists with columns (\(existing.map { "\($0.name): \($0.type)" }.joined(separator: ", "))), not (\(wanted.map { "\($0.name): \($0.type)" }.joined(separator: ", ")))"
      )
    }
  }
}

extension Dataset {
  /// Writes a small new object (deletion file, row-id map) at `path`, relative to the table,
  /// durable when commits are synchronous.
  /// - Throws: `TableError.alreadyExists` if something is at `path`, `.ioFailure`.
  func writeNewObject(_ path: String, _ bytes: [UInt8]) throws {
    let objectPath = try TableLayout.path(path, field: "new file")
    try TableError.translatingStorageErrors {
      let writer = try layout.storage(synchronous: options.synchronousCommits)
        .createObject(objectPath)
      try writer.write(bytes)
      do {
        try writer.finish()
      } catch let error as StorageError where error.code == .alreadyExists {
        throw TableError(.alreadyExists, error.message)
      }
    }
  }
}
