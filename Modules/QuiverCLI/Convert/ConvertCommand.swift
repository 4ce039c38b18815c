import ArgumentParser
import Foundation

/// `quiver convert IN OUT`: moves data between exchange files (.fvecs, .bvecs, .ivecs, .npy, CSV,
/// JSON Lines) and tables, streaming in bounded memory.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert between vector/CSV/JSON Lines files and Quiver tables.",
    discussion: """
      IN and OUT are files whose extension names the format (.fvecs, .bvecs, .ivecs, .npy, .csv, \
      .jsonl), or table folders. Conversion streams: memory stays bounded whatever the size. \
      Vectors round-trip byte for byte. A failed conversion leaves no output behind, and a \
      failed conversion into an existing table commits nothing.

      Examples:
        quiver convert base.fvecs db/items                  # a new table with a 'vector' column
        quiver convert more.npy db/items --mode append      # append rows to it
        quiver convert items.csv db/items --vector-column embedding --dim 384
        quiver convert db/items items.jsonl                 # a table back out to JSON Lines
        quiver convert vectors.npy vectors.fvecs            # file to file

      Exit status: 0 on success, 64 for a bad command line or unknown format, 65 for malformed \
      input (the message names the file, the record or line, and the problem), 66 for a missing \
      input, 73 when the output cannot be created, 74 for an I/O failure.
      """)

  @Argument(help: "The input: a file (.fvecs .bvecs .ivecs .npy .csv .jsonl) or a table folder.")
  var input: String

  @Argument(help: "The output: a file whose extension names the format, or a table folder.")
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
            ("seconds", .number(seconds)),
          ]).serialized())
      } else {
        let columns = summary.fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        print(
          "converted \(summary.rows) rows (\(columns)) from \(input) to \(output) in "
            + String(format: "%.2f s", seconds))
      }
    }
  }

  /// What a conversion did.
  struct Summary {
    var rows: Int
    var fields: [ExchangeField]
  }

  private var readOptions: ExchangeFiles.ReadOptions {
    ExchangeFiles.ReadOptions(
      vectorColumn: vectorColumn, dimension: dimension, declared: columnTypes, nested: nested,
      inferenceRows: inferRows)
  }

  private func convert(from source: ConvertEndpoint, to target: ConvertEndpoint) throws -> Summary {
    switch (source, target) {
    case (.file(let inputPath, let inputFormat), .file(let outputPath, let outputFormat)):
      guard mode != .append else {
        throw CLIError(.usage, "\(outputPath): --mode append is for tables; files are created or overwritten")
      }
      guard URL(fileURLWithPath: inputPath).standardized != URL(fileURLWithPath: outputPath).standardized else {
        throw CLIError(.usage, "\(outputPath): the output is the input")
      }
      var reader = try ExchangeFiles.reader(path: inputPath, format: inputFormat, options: readOptions)
      var writer = try ExchangeFiles.writer(
        path: outputPath, format: outputFormat, fields: reader.fields, vectorColumn: vectorColumn,
        replacing: mode == .overwrite)
      let rows = try pump(&reader, into: &writer)
      return Summary(rows: rows, fields: reader.fields)
    case (.table(let path), _), (_, .table(let path)):
      throw CLIError(
        .failure,
        "\(path): tables are not available in this build yet (QuiverTable / Quiver.Database have "
          + "not been merged into the cli branch)")
    }
  }

  /// Copies every batch from `reader` to `writer`, showing progress; on any failure the writer is
  /// abandoned so nothing is left behind.
  private func pump(_ reader: inout any ExchangeReader, into writer: inout any ExchangeWriter) throws -> Int {
    let progress = ProgressReporter(
      "convert", total: reader.totalBytes, unit: .bytes, quiet: outputOptions.quiet)
    defer { progress.finish() }
    var rows = 0
    do {
      while let batch = try reader.nextBatch() {
        try writer.write(batch)
        rows += batch.rowCount
        progress.update(reader.bytesRead)
      }
      try writer.finish()
    } catch {
      writer.abandon()
      throw error
    }
    return rows
  }
}
