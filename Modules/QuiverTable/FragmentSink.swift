import Foundation
import QuiverFormat
import QuiverStorage

/// Writes a stream of batches (already conformed to the schema) into new data files of at most
/// `maxRowsPerFragment` rows each; memory stays bounded by the data-file writer's pages. Used by
/// appends, compaction and `quiver convert` (which commits the fragments itself).
package struct FragmentSink {
  let layout: TableLayout
  let schema: Schema
  let maxRowsPerFragment: Int
  let fileOptions: DataFileWriterOptions
  /// Whether files and the folder are `fsync`ed.
  let synchronize: Bool
  private var writer: DataFileWriter?
  private var path = ""
  private var rowsInFile = 0
  private var fragments: [NewFragment] = []
  /// The table-relative paths of every data file started, the open one included.
  package private(set) var writtenPaths: [String] = []

  /// A sink writing `schema`'s rows into `layout`'s data folder.
  /// - Throws: `TableError.invalidArgument` when `maxRowsPerFragment` is below 1.
  package init(
    layout: TableLayout, schema: Schema, maxRowsPerFragment: Int,
    fileOptions: DataFileWriterOptions, synchronize: Bool
  ) throws {
    guard maxRowsPerFragment >= 1 else {
      throw TableError(.invalidArgument, "maxRowsPerFragment \(maxRowsPerFragment) is below 1")
    }
    self.layout = layout
    self.schema = schema
    self.maxRowsPerFragment = maxRowsPerFragment
    var fileOptions = fileOptions
    fileOptions.synchronizeOnFinish = synchronize
    self.fileOptions = fileOptions
    self.synchronize = synchronize
  }

  /// Appends the rows of `batch`, starting new files as they fill.
  package mutating func write(_ batch: RecordBatch) throws {
    var start = 0
    while start < batch.rowCount {
      if writer == nil {
        path = layout.newDataFilePath(fileExtension: "qvf")
        writtenPaths.append(path)
        let storage = layout.storage(synchronous: synchronize)
        let objectPath = try TableLayout.path(path, field: "new data file")
        writer = try wrap {
          try DataFileWriter(
            output: storage.createObject(objectPath), location: layout.describe(objectPath),
            schema: schema, options: fileOptions)
        }
      }
      let count = min(batch.rowCount - start, maxRowsPerFragment - rowsInFile)
      let part = start == 0 && count == batch.rowCount
        ? batch : batch.slice(rows: start..<(start + count))
      try wrap { try writer!.write(part) }
      rowsInFile += count
      start += count
      if rowsInFile == maxRowsPerFragment { try finishFile() }
    }
  }

  /// Finishes the last file and returns the fragments written (each file is durable, name
  /// included, when `synchronize`).
  package mutating func finish() throws -> [NewFragment] {
    try finishFile()
    return fragments
  }

  /// Drops the open file unfinished and returns `writtenPaths`, for the caller to delete.
  package mutating func abandon() -> [String] {
    writer = nil
    return writtenPaths
  }

  private mutating func finishFile() throws {
    guard let open = writer else { return }
    let statistics = try wrap { try open.finish() }
    fragments.append(
      NewFragment(
        physicalRowCount: rowsInFile,
        dataFiles: [
          DataFileRecord(path: path, columns: schema.names, sizeBytes: statistics.fileBytes)
        ]))
    writer = nil
    rowsInFile = 0
  }

  private func wrap<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as FormatError {
      throw TableError(
        .ioFailure,
        "writing data file '\(layout.location)/\(path)': \(error.description)", underlying: error)
    } catch let error as StorageError {
      throw TableError(
        .ioFailure,
        "writing data file '\(layout.location)/\(path)': \(error.description)", underlying: error)
    }
  }
}
