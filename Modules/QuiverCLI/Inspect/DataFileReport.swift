import Foundation
import QuiverFormat

/// What `quiver inspect FILE` prints for one data file: its schema and every page of every
/// column (offset, sizes, encoding, compression, statistics, checksum), and with `verify` the
/// result of reading and checking every page.
struct DataFileReport {
  /// One page and, when verified, whether its bytes match its checksum and decode.
  struct Page {
    var column: String
    var index: Int
    var metadata: PageMetadata
    /// nil when not verified; otherwise the problem, or "" for a good page.
    var problem: String?
  }

  var path: String
  var fileBytes: Int
  var rows: Int
  var schema: Schema
  var pages: [Page]

  /// Opens the file (reading its footer) and, with `verify`, reads and checks every page.
  /// - Throws: `CLIError.badData` when the file cannot even be opened (bad magic, truncated,
  ///   damaged footer), naming the file.
  init(path: String, verify: Bool) throws {
    let reader: DataFileReader
    do {
      reader = try DataFileReader(path: path)
    } catch let error as FormatError {
      throw CLIError(.badData, "\(path): \(error.message)")
    }
    self.path = path
    fileBytes = reader.fileSize
    rows = reader.rowCount
    schema = reader.schema
    var pages: [Page] = []
    for (column, field) in reader.schema.fields.enumerated() {
      for (index, metadata) in reader.pages[column].enumerated() {
        var problem: String? = nil
        if verify {
          do {
            _ = try reader.readPage(column: column, page: index)
            problem = ""
          } catch let error as FormatError {
            problem = error.message
          }
        }
        pages.append(Page(column: field.name, index: index, metadata: metadata, problem: problem))
      }
    }
    self.pages = pages
  }

  /// Problems found by verification, one line each (`FILE: page P of column 'C': problem`).
  var damage: [String] {
    pages.compactMap { page in
      guard let problem = page.problem, !problem.isEmpty else { return nil }
      // The format's message names the file, the page and the column.
      return "\(problem) (the page at byte \(page.metadata.offset))"
    }
  }

  /// The report as text.
  func text() -> String {
    var lines = [
      "data file \(path)", "  \(rows) rows, \(fileBytes) bytes (\(ByteCount.format(Int64(fileBytes))))",
      "schema:",
    ]
    lines += schema.fields.map { "  \($0)" }
    var table = TextTable(
      headings: [
        "column", "page", "offset", "stored", "body", "rows", "nulls", "encoding", "compression",
        "crc32c", "min", "max", "check",
      ])
    table.rightAligned = [1, 2, 3, 4, 5, 6]
    for page in pages {
      let metadata = page.metadata
      let check: String
      switch page.problem {
      case nil: check = "-"
      case ""?: check = "ok"
      case _?: check = "DAMAGED"
      }
      table.append([
        page.column, String(page.index), String(metadata.offset), String(metadata.storedLength),
        String(metadata.bodyLength), String(metadata.rowCount), String(metadata.nullCount),
        metadata.encoding.description, metadata.compression.description,
        String(format: "%08x", metadata.checksum),
        metadata.statistics.map { ColumnValueText.text($0.minimum) } ?? "",
        metadata.statistics.map { ColumnValueText.text($0.maximum) } ?? "", check,
      ])
    }
    lines.append("pages:")
    lines += table.rendered().split(separator: "\n").map { "  " + $0 }
    return lines.joined(separator: "\n")
  }

  /// The report as JSON.
  func json() -> JSONValue {
    .object([
      ("kind", .string("data_file")), ("path", .string(path)), ("rows", .int(rows)),
      ("file_bytes", .int(fileBytes)),
      ("schema", SchemaJSON.json(schema)),
      (
        "pages",
        .array(
          pages.map { page in
            let metadata = page.metadata
            var members: [(String, JSONValue)] = [
              ("column", .string(page.column)), ("page", .int(page.index)),
              ("offset", .int(metadata.offset)), ("stored_bytes", .int(metadata.storedLength)),
              ("body_bytes", .int(metadata.bodyLength)), ("first_row", .int(metadata.firstRow)),
              ("rows", .int(metadata.rowCount)), ("nulls", .int(metadata.nullCount)),
              ("encoding", .string(metadata.encoding.description)),
              ("compression", .string(metadata.compression.description)),
              ("crc32c", .int(metadata.checksum)),
              ("min", metadata.statistics.map { ColumnValueText.json($0.minimum) } ?? .null),
              ("max", metadata.statistics.map { ColumnValueText.json($0.maximum) } ?? .null),
            ]
            if let problem = page.problem {
              members.append(("verified", .bool(problem.isEmpty)))
              if !problem.isEmpty { members.append(("problem", .string(problem))) }
            }
            return .object(members)
          })
      ),
    ])
  }
}

/// Schemas as JSON: an array of `{name, type, nullable}`.
enum SchemaJSON {
  static func json(_ schema: Schema) -> JSONValue {
    .array(
      schema.fields.map {
        .object([
          ("name", .string($0.name)), ("type", .string($0.type.name)), ("nullable", .bool($0.nullable)),
        ])
      })
  }
}
