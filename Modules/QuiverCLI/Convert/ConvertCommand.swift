import ArgumentParser
import Foundation
import QuiverFormat
import QuiverTable

/// `quiver convert IN OUT`: moves data between exchange files (.fvecs, .bvecs, .ivecs, .npy, CSV,
/// JSON Lines) and tables, streaming in bounded memory.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert between vector/CSV/JSON Lines/Parquet/Arrow files and Quiver tables.",
    discussion: """
      IN and OUT are files whose extension names the format (.fvecs, .bvecs, .ivecs, .npy, .csv, \
      .jsonl, .parquet, .arrow or .feather, .arrows), or table folders named NAME.quiver (a database folder holds its tables so); \
      a path without an extension names a table (db/items is db/items.quiver), and the missing \
      parent folders of a new table are created. \
      Conversion streams: memory stays bounded whatever the size. \
      Vectors round-trip byte for byte. A failed conversion leaves no output behind, and a \
      failed conversion into an existing table commits nothing.

      Examples:
        quiver convert base.fvecs db/items.quiver           # a new table with a 'vector' column
        quiver convert base.fvecs db/items                  # the same table: db/items.quiver
        quiver convert more.npy db/items.quiver --mode append   # append rows to it
        quiver convert items.csv db/items.quiver --vector-column embedding --dim 384
        quiver convert db/items.quiver items.jsonl          # a table back out to JSON Lines
        quiver convert vectors.npy vectors.fvecs            # file to file

      Exit status: 0 on success, 64 for a bad command line or unknown format, 65 for malformed \
      input (the message names the file, the record or line, and the problem), 66 for a missing \
      input, 73 when the output cannot be created, 74 for an I/O failure.
      """)

  @Argument(
    help: "The input: a file (.fvecs .bvecs .ivecs .npy .csv .jsonl .parquet .arrow .arrows) or \(TablePath.help).")
  var input: String

  @Argument(help: "The output: a file whose extension names the format, or \(TablePath.help).")
  var output: String

  @Option(help: "What to do when OUT exists: create (fail), append (tables), overwrite.")
  var mode: ConvertMode = .create

  @Option(help: "The vector column: its name in a new table, or the column to write out.")
  var vectorColumn: String?

  @Option(name: .customLong("dim"), help: "The vector dimension; every vector must have it.")
  var dimension: Int?

  @Option(
    name: .customLong("column-type"),
    help: "Declare a CSV/JSON column's type: NAME=TYPE (\(DeclaredType.names)). Repeatable.")
  var columnTypes: [DeclaredType] = []

  @Option(help: "JSON Lines: nested objects are flattened to dotted names or rejected.")
  var nested: NestedObjectPolicy = .flatten

  @Option(help: "CSV/JSON Lines: rows looked at to infer column types.")
  var inferRows = 1000

  @Option(help: "Read this version of an input table (default: the latest).")
  var version: UInt64?

  @OptionGroup var outputOptions: OutputOptions

  func validate() throws {
    if let dimension, dimension <= 0 { throw ValidationError("--dim must be positive") }
    if inferRows <= 0 { throw ValidationError("--infer-rows must be positive") }
  }

  func run() throws {
    try reportingErrors(of: "convert") {
      let start = MonotonicClock.now()
      let source = try ConvertEndpoint.input(input)
      let target = try ConvertEndpoint.output(output)
      let summary = try convert(from: source, to: target)
      let seconds = MonotonicClock.seconds(since: start)
      if outputOptions.json {
        print(
          JSONValue.object([
            ("input", .string(input)), ("output", .string(output)),
            ("rows", .int(summary.rows)),
            ("columns", .array(summary.fields.map { .string($0.name) })),
            ("schema", .object(summary.fields.map { ($0.name, .string($0.type.description)) })),
            ("version", summary.version.map { .int($0) } ?? .null),
            ("seconds", .number(seconds)),
          ]).serialized())
      } else {
        let columns = summary.fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        let committed = summary.version.map { " (table version \($0))" } ?? ""
        print(
          "converted \(summary.rows) rows (\(columns)) from \(input) to \(output)\(committed) in "
            + String(format: "%.2f s", seconds))
      }
    }
  }

  /// What a conversion did.
  struct Summary {
    var rows: Int
    var fields: [ExchangeField]
    /// The table version committed, when the output is a table.
    var version: UInt64?
  }

  private var readOptions: ExchangeFiles.ReadOptions {
    ExchangeFiles.ReadOptions(
      vectorColumn: vectorColumn, dimension: dimension, declared: columnTypes, nested: nested,
      inferenceRows: inferRows)
  }

  private func convert(from source: ConvertEndpoint, to target: ConvertEndpoint) throws -> Summary {
    switch (source, target) {
    case (.file(let inputPath, let inputFormat), .file(let outputPath, let outputFormat)):
      try refuseAppend(toFile: outputPath)
      try refuseSamePath(inputPath, outputPath)
      if let summary = try convertRecordBatches(from: source, to: target) { return summary }
      var reader = try ExchangeFiles.reader(
        path: inputPath, format: inputFormat, options: readOptions)
      var writer = try ExchangeFiles.writer(
        path: outputPath, format: outputFormat, fields: reader.fields, vectorColumn: vectorColumn,
        replacing: mode == .overwrite)
      let rows: Int
      do {
        rows = try pump(&reader) { batch, _ in try writer.write(batch) }
        try writer.finish()
      } catch {
        writer.abandon()
        throw error
      }
      return Summary(rows: rows, fields: reader.fields, version: nil)
    case (.file(let inputPath, let inputFormat), .table(let tablePath)):
      if let summary = try convertRecordBatches(from: source, to: target) { return summary }
      var reader = try ExchangeFiles.reader(
        path: inputPath, format: inputFormat, options: readOptions)
      var sink = try TableSink(
        location: tablePath, fields: reader.fields, source: inputPath, mode: mode)
      do {
        let rows = try pump(&reader) { batch, firstRow in
          try sink.write(
            RecordBatchBridge.recordBatch(
              batch, schema: sink.schema, source: inputPath, firstRow: firstRow))
        }
        let dataset = try sink.commit()
        return Summary(
          rows: rows, fields: try RecordBatchBridge.fields(for: dataset.schema()),
          version: dataset.version)
      } catch {
        sink.abandon()
        throw error
      }
    case (.table(let tablePath), .file(let outputPath, let outputFormat)):
      try refuseAppend(toFile: outputPath)
      if let summary = try convertRecordBatches(from: source, to: target) { return summary }
      let dataset = try TableAccess.open(tablePath, version: version)
      let fields = try RecordBatchBridge.fields(for: dataset.schema())
      var writer = try ExchangeFiles.writer(
        path: outputPath, format: outputFormat, fields: fields, vectorColumn: vectorColumn,
        replacing: mode == .overwrite)
      let progress = ProgressReporter(
        "convert", total: Int64(dataset.liveRowCount), unit: .items("rows"),
        quiet: outputOptions.quiet)
      defer { progress.finish() }
      var rows = 0
      do {
        try dataset.scan { part in
          try writer.write(
            RecordBatchBridge.exchangeBatch(part.batch, source: tablePath, firstRow: rows))
          rows += part.batch.rowCount
          progress.update(Int64(rows))
        }
        try writer.finish()
      } catch {
        writer.abandon()
        throw error
      }
      return Summary(rows: rows, fields: fields, version: nil)
    case (.table(let inputPath), .table(let outputPath)):
      try refuseSamePath(inputPath, outputPath)
      if let summary = try convertRecordBatches(from: source, to: target) { return summary }
      let dataset = try TableAccess.open(inputPath, version: version)
      let fields = try RecordBatchBridge.fields(for: dataset.schema())
      var sink = try TableSink(
        location: outputPath, fields: fields, source: inputPath, mode: mode)
      var rows = 0
      do {
        try dataset.scan { part in
          try sink.write(
            RecordBatchBridge.recordBatch(
              RecordBatchBridge.exchangeBatch(part.batch, source: inputPath, firstRow: rows),
              schema: sink.schema, source: inputPath, firstRow: rows))
          rows += part.batch.rowCount
        }
        let written = try sink.commit()
        return Summary(rows: rows, fields: fields, version: written.version)
      } catch {
        sink.abandon()
        throw error
      }
    }
  }

  /// Throws when `output` names the same file or table as `input`.
  private func refuseSamePath(_ input: String, _ output: String) throws {
    guard URL(fileURLWithPath: input).standardized != URL(fileURLWithPath: output).standardized
    else { throw CLIError(.usage, "\(output): the output is the input") }
  }

  /// Throws for `--mode append` when the output is a file (only tables are appended to).
  private func refuseAppend(toFile output: String) throws {
    guard mode != .append else {
      throw CLIError(
        .usage, "\(output): --mode append is for tables; files are created or overwritten")
    }
  }

  /// Hands every batch of `reader` to `write` with the number of rows before it, showing
  /// progress; returns the number of rows. The caller finishes or abandons the destination.
  private func pump(
    _ reader: inout any ExchangeReader, _ write: (ExchangeBatch, Int) throws -> Void
  ) throws -> Int {
    let progress = ProgressReporter(
      "convert", total: reader.totalBytes, unit: .bytes, quiet: outputOptions.quiet)
    defer { progress.finish() }
    var rows = 0
    while let batch = try reader.nextBatch() {
      try write(batch, rows)
      rows += batch.rowCount
      progress.update(reader.bytesRead)
    }
    return rows
  }
}
