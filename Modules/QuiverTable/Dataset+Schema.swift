import Foundation
import QuiverFormat
import QuiverStorage

extension Dataset {
  /// The schema of this snapshot.
  /// - Throws: `TableError.corruptManifest` if the manifest names an unknown type.
  public func schema() throws -> Schema { try manifest.schema() }

  /// Creates an empty table with `schema` in the local folder `url` (or overwrites or opens
  /// one; see `mode`).
  /// - Throws: `TableError.alreadyExists` (mode `create`), `.schemaMismatch` (mode `existOk`
  ///   with a different schema).
  public static func create(
    at url: URL, schema: Schema, mode: CreateMode = .create,
    options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try create(
      at: url, fields: schema.fields.map(ManifestField.init), schemaMetadata: schema.metadata,
      fragments: [], mode: mode, options: options)
  }

  /// Creates an empty table with `schema` in `storage`, as `create(at:schema:mode:options:)`
  /// does.
  public static func create(
    in storage: any Storage, schema: Schema, mode: CreateMode = .create,
    options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try create(
      in: storage, fields: schema.fields.map(ManifestField.init),
      schemaMetadata: schema.metadata, fragments: [], mode: mode, options: options)
  }

  /// Adds a nullable column as a new version; every existing row reads it as null and no data
  /// file is rewritten.
  /// - Throws: `TableError.invalidArgument` if `field` is not nullable, `.alreadyExists` if the
  ///   column exists.
  public mutating func addColumn(_ field: Field) throws {
    try addColumn(ManifestField(field))
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
        throw TableError(.alreadyExists, "table '\(location)' already has a column '\(field.name)'")
      }
      var manifest = base
      manifest.fields.append(field)
      manifest.operation = CommitOperation(kind: .addColumn, name: field.name)
      return manifest
    }
  }
}
