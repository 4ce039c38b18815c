import Foundation
import QuiverFormat
import QuiverStorage
import QuiverTable

/// Streams rows into a table as new data files and commits them as one version at the end: a
/// conversion that fails part way commits nothing, removes the data files it wrote, and removes
/// the table folder when it created it. The table may be in an object store (`s3://`).
///
/// (QuiverTable's own `FragmentSink` is internal to that module, so this mirrors it on the
/// package-level commit API: `NewFragment`, `Dataset.create(in:fields:…)`, `commitAppend`.)
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
  private var writer: DataFileWriter?
  private var path = ""
  private var rowsInFile = 0
  private var fragments: [NewFragment] = []
  private var writtenPaths: [String] = []

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
  }

  /// Writes `batch` (already conformed to `schema`) into data files.
  mutating func write(_ batch: RecordBatch) throws {
    var start = 0
    while start < batch.rowCount {
      if writer == nil {
        path = layout.newDataFilePath(fileExtension: "qvf")
        writtenPaths.append(path)
        let storage = layout.storage(synchronous: options.dataFileOptions.synchronizeOnFinish)
        let objectPath = try TableLayout.path(path, field: "new data file")
        writer = try DataFileWriter(
          output: storage.createObject(objectPath), location: layout.describe(objectPath),
          schema: schema, options: options.dataFileOptions)
      }
      let count = min(batch.rowCount - start, options.maxRowsPerFragment - rowsInFile)
      let part =
        start == 0 && count == batch.rowCount ? batch : batch.slice(rows: start..<(start + count))
      try writer!.write(part)
      rowsInFile += count
      start += count
      if rowsInFile == options.maxRowsPerFragment { try finishFile() }
    }
  }

  /// Finishes the files and commits one version (an append, a create, or an overwrite).
  /// - Returns: the committed table.
  mutating func commit() throws -> Dataset {
    try finishFile()
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
    writer = nil
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

  private mutating func finishFile() throws {
    guard let open = writer else { return }
    let statistics = try open.finish()
    fragments.append(
      NewFragment(
        physicalRowCount: rowsInFile,
        dataFiles: [
          DataFileRecord(path: path, columns: schema.names, sizeBytes: statistics.fileBytes)
        ]))
    writer = nil
    rowsInFile = 0
  }

  private static func reason(_ error: Error) -> String {
    if let error = error as? StorageError { return error.message }
    return (error as NSError).localizedDescription
  }
}
