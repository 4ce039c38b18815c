import Foundation
import QuiverFormat

extension Dataset {
  /// The schema of this snapshot.
  /// - Throws: `TableError.corruptManifest` if the manifest names an unknown type.
  public func schema() throws -> Schema { try manifest.schema() }

  /// Creates an empty table with `schema` in `url` (or overwrites or opens one; see `mode`).
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

  /// Adds a nullable column as a new version; every existing row reads it as null and no data
  /// file is rewritten.
  /// - Throws: `TableError.invalidArgument` if `field` is not nullable, `.alreadyExists` if the
  ///   column exists.
  public mutating func addColumn(_ field: Field) throws {
    try addColumn(ManifestField(field))
  }
}
