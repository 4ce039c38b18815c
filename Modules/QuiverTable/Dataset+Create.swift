import Foundation
import QuiverFormat
import QuiverStorage

extension Dataset {
  /// Creates (or overwrites, or opens) the table in the local folder `url` with the given
  /// schema fields and already written fragments.
  package static func create(
    at url: URL, fields: [ManifestField], schemaMetadata: [String: String] = [:],
    fragments: [NewFragment], mode: CreateMode, options: DatasetOptions
  ) throws -> Dataset {
    try create(
      layout: TableLayout(root: url), fields: fields, schemaMetadata: schemaMetadata,
      fragments: fragments, mode: mode, options: options)
  }

  /// Creates (or overwrites, or opens) the table in `storage` with the given schema fields and
  /// already written fragments.
  package static func create(
    in storage: any Storage, fields: [ManifestField], schemaMetadata: [String: String] = [:],
    fragments: [NewFragment], mode: CreateMode, options: DatasetOptions
  ) throws -> Dataset {
    try create(
      layout: TableLayout(storage: storage), fields: fields, schemaMetadata: schemaMetadata,
      fragments: fragments, mode: mode, options: options)
  }

  static func create(
    layout: TableLayout, fields: [ManifestField], schemaMetadata: [String: String],
    fragments: [NewFragment], mode: CreateMode, options: DatasetOptions
  ) throws -> Dataset {
    for folder in [TableLayout.dataPath, TableLayout.versionsPath] {
      try layout.createFolder(folder)
    }
    if let latest = try layout.latestVersion() {
      switch mode {
      case .create:
        throw TableError(.alreadyExists, "a table already exists in '\(layout.location)'")
      case .existOk:
        let existing = try layout.readManifest(latest)
        try checkSameSchema(existing.fields, fields, location: layout.location)
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
        layout: layout, fields: fields, schemaMetadata: schemaMetadata, fragments: fragments,
        mode: mode, options: options)
    }
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

  static func checkSameSchema(
    _ existing: [ManifestField], _ wanted: [ManifestField], location: String
  ) throws {
    guard existing.map({ [$0.name, $0.type] }) == wanted.map({ [$0.name, $0.type] }) else {
      throw TableError(
        .schemaMismatch,
        "table '\(location)' exists with columns (\(existing.map { "\($0.name): \($0.type)" }.joined(separator: ", "))), not (\(wanted.map { "\($0.name): \($0.type)" }.joined(separator: ", ")))"
      )
    }
  }
}
