import Foundation
import QuiverFormat
import QuiverStorage

extension Dataset {
  /// Appends `batches` as one new version, in new fragments of at most
  /// `options.maxRowsPerFragment` rows. Batch columns are matched to the table's by name;
  /// nullable table columns a batch lacks are filled with nulls.
  /// - Returns: The ids of the new fragments (empty, and nothing committed, for no rows).
  /// - Throws: `TableError.schemaMismatch` naming the column, `.commitConflict` if a concurrent
  ///   overwrite or restore won.
  @discardableResult
  public mutating func append(_ batches: [RecordBatch]) throws -> [UInt32] {
    try requireWritable("append")
    let fragments = try writeFragments(batches, schema: try schema())
    guard !fragments.isEmpty else { return [] }
    return try commitAppend(fragments)
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

  /// Adds `fragments` to `manifest` with fresh ids from its `nextFragmentID`.
  /// - Returns: The ids given.
  static func appendFragments(_ fragments: [NewFragment], to manifest: inout Manifest) -> [UInt32] {
    let (records, ids) = assignIDs(fragments, from: manifest.nextFragmentID)
    manifest.fragments += records
    return ids
  }

  /// Creates (or overwrites, or opens) the table in the local folder `url` with `schema` and
  /// the rows of `batches` as its first fragments. With `existOk` on an existing table, nothing
  /// is written.
  public static func create(
    at url: URL, schema: Schema, batches: [RecordBatch], mode: CreateMode = .create,
    options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try create(
      layout: TableLayout(root: url), schema: schema, batches: batches, mode: mode,
      options: options)
  }

  /// Creates (or overwrites, or opens) the table in `storage` with `schema` and the rows of
  /// `batches`, as `create(at:schema:batches:mode:options:)` does.
  public static func create(
    in storage: any Storage, schema: Schema, batches: [RecordBatch], mode: CreateMode = .create,
    options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try create(
      layout: TableLayout(storage: storage), schema: schema, batches: batches, mode: mode,
      options: options)
  }

  static func create(
    layout: TableLayout, schema: Schema, batches: [RecordBatch], mode: CreateMode,
    options: DatasetOptions
  ) throws -> Dataset {
    let fields = schema.fields.map(ManifestField.init)
    if mode == .create, try layout.latestVersion() != nil {
      throw TableError(.alreadyExists, "a table already exists in '\(layout.location)'")
    }
    if mode == .existOk, try layout.latestVersion() != nil {
      return try create(
        layout: layout, fields: fields, schemaMetadata: schema.metadata, fragments: [],
        mode: .existOk, options: options)
    }
    let writer = Dataset(
      layout: layout,
      manifest: Manifest(
        version: 0, timestampMicroseconds: 0, operation: CommitOperation(kind: .create),
        fields: [], schemaMetadata: [:], fragments: [], nextFragmentID: 0, indices: [], tags: [:],
        readerFeatures: 0, writerFeatures: 0),
      isReadOnly: false, options: options)
    let fragments = try writer.writeFragments(batches, schema: schema)
    return try create(
      layout: layout, fields: fields, schemaMetadata: schema.metadata, fragments: fragments,
      mode: mode, options: options)
  }

  /// Validates every batch, then writes them into data files of at most
  /// `options.maxRowsPerFragment` rows each (fsynced, with their folder).
  func writeFragments(_ batches: [RecordBatch], schema: Schema) throws -> [NewFragment] {
    let conformed = try batches.map { try conform($0, to: schema) }.filter { $0.rowCount > 0 }
    guard !conformed.isEmpty else { return [] }
    var sink = try FragmentSink(
      layout: layout, schema: schema, maxRowsPerFragment: options.maxRowsPerFragment,
      fileOptions: options.dataFileOptions, synchronize: options.synchronousCommits)
    for batch in conformed { try sink.write(batch) }
    return try sink.finish()
  }

  /// `batch` with its columns in the order of `schema`, missing nullable columns as nulls.
  func conform(_ batch: RecordBatch, to schema: Schema) throws -> RecordBatch {
    for field in batch.schema.fields where schema.field(named: field.name) == nil {
      throw TableError(
        .schemaMismatch,
        "column '\(field.name)' is not in the schema of '\(location)' (\(schema.names.joined(separator: ", ")))"
      )
    }
    let columns = try schema.fields.map { field -> Column in
      guard let column = batch[field.name] else {
        guard field.nullable else {
          throw TableError(
            .schemaMismatch, "column '\(field.name)' of '\(location)' is not nullable and missing")
        }
        return Column(nulls: batch.rowCount, of: field.type)
      }
      guard column.dataType == field.type else {
        throw TableError(
          .schemaMismatch,
          "column '\(field.name)' holds \(column.dataType) but '\(location)' stores \(field.type)")
      }
      return column
    }
    do {
      return try RecordBatch(schema: schema, columns: columns)
    } catch let error as FormatError {
      throw TableError(.schemaMismatch, "batch for '\(location)': \(error.message)",
        underlying: error)
    }
  }
}
