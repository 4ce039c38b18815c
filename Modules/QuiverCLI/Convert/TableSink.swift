import Foundation
import QuiverFormat
import QuiverStorage
import QuiverTable

/// Streams rows into a table as new data files and commits them as one version at the end: a
/// conversion that fails part way commits nothing, removes the data files it wrote, and removes
/// the table folder when it created it. The table may be in an object store (`s3://`).
/// QuiverTable's `FragmentSink` writes the files; this commits them through the package-level
/// API (`Dataset.create(in:fields:…)`, `commitAppend`) or removes them.
struct TableSink {
  /// The table's schema; every batch is conformed to it.
  let schema: Schema
  /// The local table folder, or nil for a table in an object store.
  private let url: URL?
  private let mode: ConvertMode
  private var existing: Dataset?
  private let createdFolder: Bool
  private let options: DatasetOptions
  private let layout: TableLayout
  private var sink: FragmentSink

  /// Prepares to write into the table at `location`: a folder, or an `s3://` URI.
  /// - Parameters:
  ///   - fields: the input's columns (they make the schema of a new or overwritten table).
  ///   - source: the input, named in messages.
  ///   - mode: `.create` fails if a table exists, `.append` needs one, `.overwrite` replaces it.
  ///   - schema: the schema of a new or overwritten table when the input has one of its own (a
  ///     Parquet or Arrow file, a table); nil makes it from `fields`.
  /// - Throws: `CLIError.cannotCreate` / `.noInput` for a mode that does not fit, or a folder that
  ///   cannot be created.
  init(
    location: String, fields: [ExchangeField], source: String, mode: ConvertMode,
    schema newSchema: Schema? = nil, options: DatasetOptions = DatasetOptions()
  ) throws {
    let remote = ObjectStoreTables.isRemote(location)
    let url = remote ? nil : URL(fileURLWithPath: location)
    let path = url?.path ?? location
    self.url = url
    self.mode = mode
    self.options = options
    if let url {
      layout = TableLayout(root: url)
    } else {
      layout = TableLayout(storage: try ObjectStoreTables.storage(location))
    }
    let exists = Dataset.exists(in: layout.storage)
    switch (mode, exists) {
    case (.create, true):
      throw CLIError(
        .cannotCreate, "\(path): a table already exists (use --mode append or --mode overwrite)")
    case (.append, false):
      throw CLIError(.noInput, "\(path): no table to append to (use --mode create)")
    case (.append, true):
      let dataset = try Dataset.open(in: layout.storage, options: options)
      existing = dataset
      schema = try dataset.schema()
    default:
      schema = try newSchema ?? RecordBatchBridge.schema(for: fields, source: source)
    }
    var isFolder: ObjCBool = false
    let folderExisted =
      remote || FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
    if !remote, folderExisted, !isFolder.boolValue {
      throw CLIError(.cannotCreate, "\(path): exists and is not a folder")
    }
    createdFolder = !folderExisted
    do {
      try layout.createFolder(TableLayout.dataPath)
    } catch {
      throw CLIError(
        .cannotCreate, "\(path): cannot create the table folder: \(Self.reason(error))")
    }
    sink = try FragmentSink(
      layout: layout, schema: schema, maxRowsPerFragment: options.maxRowsPerFragment,
      fileOptions: options.dataFileOptions,
      synchronize: options.dataFileOptions.synchronizeOnFinish)
  }

  /// Writes `batch` (already conformed to `schema`) into data files.
  mutating func write(_ batch: RecordBatch) throws {
    try sink.write(batch)
  }

  /// Finishes the files and commits one version (an append, a create, or an overwrite).
  /// - Returns: the committed table.
  mutating func commit() throws -> Dataset {
    let fragments = try sink.finish()
    switch mode {
    case .append:
      var dataset = existing!
      if !fragments.isEmpty { try dataset.commitAppend(fragments) }
      return dataset
    case .create, .overwrite:
      return try Dataset.create(
        in: layout.storage, fields: schema.fields.map(ManifestField.init),
        schemaMetadata: schema.metadata,
        fragments: fragments, mode: mode == .create ? .create : .overwrite, options: options)
    }
  }

  /// Removes everything written; the table is left exactly as it was (or absent).
  mutating func abandon() {
    let writtenPaths = sink.abandon()
    if createdFolder, let url {
      try? FileManager.default.removeItem(at: url)
      return
    }
    for path in writtenPaths {
      if let objectPath = try? TableLayout.path(path, field: "new data file") {
        try? layout.storage.delete(objectPath)
      }
    }
  }

  private static func reason(_ error: Error) -> String {
    if let error = error as? StorageError { return error.message }
    return (error as NSError).localizedDescription
  }
}
