import Foundation
import QuiverFormat
import QuiverStorage
import QuiverTable

/// What `quiver inspect TABLE` prints: versions, schema, fragments, rows and deleted rows, bytes
/// per column with the compression ratio and encodings, and indexes; with `verify`, the result
/// of reading every data and deletion file and checking every checksum.
struct TableReport {
  /// Bytes and encodings of one column over every fragment.
  struct ColumnUsage {
    var field: Field
    var storedBytes = 0
    var bodyBytes = 0
    /// Bytes of the values laid out plainly (fixed width × rows, or the string bytes); nil when a
    /// page could not be read to measure it.
    var plainBytes: Int? = 0
    var pages = 0
    /// Pages per `encoding+compression`.
    var encodings: [String: Int] = [:]

    var compressionRatio: Double? {
      guard let plainBytes, storedBytes > 0 else { return nil }
      return Double(plainBytes) / Double(storedBytes)
    }
  }

  /// One fragment of the version.
  struct Fragment {
    var id: UInt32
    var physicalRows: Int
    var deletedRows: Int
    var files: [DataFileRecord]
  }

  var path: String
  var version: UInt64
  var latestVersion: UInt64
  var timestamp: Date
  var operation: String
  var versions: [VersionInfo]
  var schema: Schema
  var rows: Int
  var deletedRows: Int
  var fragments: [Fragment]
  var columns: [ColumnUsage]
  var indexes: [IndexReport]
  var tags: [String: UInt64]
  /// Problems found by verification (empty when clean or not verified).
  var damage: [String] = []
  var verified: Bool

  /// Reads the manifest of `dataset`'s version, the footers of its data files, and its index
  /// folders; with `verify` also every page, deletion file and index file.
  /// - Parameter progress: told the bytes of pages read so far.
  init(dataset: Dataset, path: String, verify: Bool, progress: ((Int64) -> Void)? = nil) throws {
    self.path = path
    version = dataset.version
    latestVersion = try dataset.latestVersionNumber()
    timestamp = dataset.manifest.timestamp
    operation = dataset.manifest.operation.kind.rawValue
    versions = try dataset.versions()
    schema = try dataset.schema()
    rows = dataset.liveRowCount
    tags = dataset.tags
    verified = verify
    fragments = dataset.fragments.map {
      Fragment(
        id: $0.id, physicalRows: $0.physicalRowCount, deletedRows: $0.deletedRowCount,
        files: $0.dataFiles)
    }
    deletedRows = fragments.reduce(0) { $0 + $1.deletedRows }
    var usage = schema.fields.map { ColumnUsage(field: $0) }
    var damage: [String] = []
    var bytesRead: Int64 = 0
    for fragment in dataset.fragments {
      for record in fragment.dataFiles {
        let reader: DataFileReader
        do {
          // Through the table's storage, so a table in an object store is read the same way.
          let file = try TableLayout.path(record.path, field: "fragment \(fragment.id) data file")
          reader = try DataFileReader(
            file: FormatError.translatingStorageErrors { try dataset.storage.openReader(file) },
            location: dataset.storage.describe(file))
        } catch let error as FormatError {
          damage.append(error.message)
          continue
        } catch let error as TableError {
          damage.append(error.message)
          continue
        }
        for (column, field) in reader.schema.fields.enumerated() {
          guard let position = usage.firstIndex(where: { $0.field.name == field.name }) else {
            continue
          }
          for (index, page) in reader.pages[column].enumerated() {
            usage[position].storedBytes += page.storedLength
            if verify {
              bytesRead += Int64(page.storedLength)
              progress?(bytesRead)
            }
            usage[position].bodyBytes += page.bodyLength
            usage[position].pages += 1
            usage[position].encodings["\(page.encoding)+\(page.compression)", default: 0] += 1
            let needsDecode = verify || field.type.byteWidth == nil
            var decoded: Column? = nil
            if needsDecode {
              do {
                decoded = try reader.readPage(column: column, page: index)
              } catch let error as FormatError {
                // The format's message names the file, the page and the column.
                damage.append("\(error.message) (the page at byte \(page.offset))")
              }
            }
            if let width = field.type.byteWidth {
              usage[position].plainBytes? += width * page.rowCount
            } else if let decoded {
              var bytes = 0
              for row in 0..<decoded.count where !decoded.isNull(row) {
                bytes += decoded.withUnsafeBytes(ofRow: row) { $0.count }
              }
              usage[position].plainBytes? += bytes
            } else {
              usage[position].plainBytes = nil
            }
          }
        }
      }
      if verify, fragment.deletionFile != nil {
        do {
          _ = try dataset.deletionVector(fragmentID: fragment.id)
        } catch {
          damage.append("\(fragment.deletionFile!.path): \(error)")
        }
      }
    }
    columns = usage
    indexes = dataset.indices.map { IndexReport(entry: $0, dataset: dataset) }
    if verify {
      for index in indexes { damage += index.verify(dataset: dataset) }
      damage += try VersionVerification(
        dataset: dataset, skippingIndexes: Set(dataset.indices.map(\.uuid))
      ).problems
    }
    self.damage = damage
  }

  /// The report as text.
  func text() -> String {
    var lines: [String] = []
    let latest = version == latestVersion ? "latest" : "latest is \(latestVersion)"
    lines.append("table \(path)")
    lines.append(
      "  version \(version) (\(latest)), \(operation) at \(ISO8601DateFormatter().string(from: timestamp))"
    )
    lines.append(
      "  \(rows) rows, \(deletedRows) deleted, \(fragments.count) fragments, "
        + "\(ByteCount.format(Int64(columns.reduce(0) { $0 + $1.storedBytes }))) of data")
    if !tags.isEmpty {
      lines.append(
        "  tags: "
          + tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
    }

    lines.append("versions:")
    var versionTable = TextTable(headings: ["version", "time", "operation", "rows"])
    versionTable.rightAligned = [0, 3]
    let formatter = ISO8601DateFormatter()
    for info in versions {
      versionTable.append([
        String(info.version) + (info.version == version ? " *" : ""),
        info.timestamp.map(formatter.string(from:)) ?? "?",
        info.operation?.rawValue ?? (info.error.map { "unreadable: \($0.message)" } ?? "?"),
        info.liveRowCount.map(String.init) ?? "?",
      ])
    }
    lines += indented(versionTable)

    lines.append("columns:")
    var columnTable = TextTable(
      headings: ["column", "type", "nullable", "stored", "plain", "ratio", "pages", "encodings"])
    columnTable.rightAligned = [3, 4, 5, 6]
    for column in columns {
      columnTable.append([
        column.field.name, column.field.type.name, column.field.nullable ? "yes" : "no",
        ByteCount.format(Int64(column.storedBytes)),
        column.plainBytes.map { ByteCount.format(Int64($0)) } ?? "?",
        column.compressionRatio.map { String(format: "%.2fx", $0) } ?? "?",
        String(column.pages),
        column.encodings.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(
          separator: ", "),
      ])
    }
    lines += indented(columnTable)

    lines.append("fragments:")
    var fragmentTable = TextTable(headings: ["id", "rows", "deleted", "files", "bytes"])
    fragmentTable.rightAligned = [0, 1, 2, 3, 4]
    for fragment in fragments {
      fragmentTable.append([
        String(fragment.id), String(fragment.physicalRows), String(fragment.deletedRows),
        String(fragment.files.count),
        ByteCount.format(Int64(fragment.files.reduce(0) { $0 + $1.sizeBytes })),
      ])
    }
    lines += indented(fragmentTable)

    lines.append(indexes.isEmpty ? "indexes: none" : "indexes:")
    for index in indexes { lines += index.textLines().map { "  " + $0 } }

    if verified {
      lines.append(
        damage.isEmpty
          ? "verify: every data, deletion and index file read; every checksum matches"
          : "verify: \(damage.count) problem(s):")
      lines += damage.map { "  " + $0 }
    }
    return lines.joined(separator: "\n")
  }

  /// The report as JSON; keys at least `version`, `rows`, `deleted_rows`, `fragments`, `schema`,
  /// `indexes`.
  func json() -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("kind", .string("table")), ("path", .string(path)),
      ("version", .int(version)), ("latest_version", .int(latestVersion)),
      ("operation", .string(operation)),
      ("timestamp", .string(ISO8601DateFormatter().string(from: timestamp))),
      ("rows", .int(rows)), ("deleted_rows", .int(deletedRows)),
      (
        "fragments",
        .array(
          fragments.map { fragment in
            .object([
              ("id", .int(fragment.id)), ("rows", .int(fragment.physicalRows)),
              ("deleted_rows", .int(fragment.deletedRows)),
              (
                "files",
                .array(
                  fragment.files.map {
                    .object([("path", .string($0.path)), ("bytes", .int($0.sizeBytes))])
                  })
              ),
            ])
          })
      ),
      ("schema", SchemaJSON.json(schema)),
      (
        "columns",
        .array(
          columns.map { column in
            .object([
              ("name", .string(column.field.name)), ("type", .string(column.field.type.name)),
              ("stored_bytes", .int(column.storedBytes)), ("body_bytes", .int(column.bodyBytes)),
              ("plain_bytes", column.plainBytes.map { .int($0) } ?? .null),
              ("compression_ratio", column.compressionRatio.map { .number($0) } ?? .null),
              ("pages", .int(column.pages)),
              (
                "encodings",
                .object(
                  column.encodings.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
              ),
            ])
          })
      ),
      ("indexes", .array(indexes.map { $0.json() })),
      (
        "versions",
        .array(
          versions.map { info in
            .object([
              ("version", .int(info.version)),
              (
                "timestamp",
                info.timestamp.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null
              ),
              ("operation", info.operation.map { .string($0.rawValue) } ?? .null),
              ("rows", info.liveRowCount.map { .int($0) } ?? .null),
              ("error", info.error.map { .string($0.message) } ?? .null),
            ])
          })
      ),
      ("tags", .object(tags.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
    ]
    if verified {
      members.append(("verified", .bool(damage.isEmpty)))
      members.append(("damage", .array(damage.map { .string($0) })))
    }
    return .object(members)
  }

  private func indented(_ table: TextTable) -> [String] {
    table.rendered().split(separator: "\n").map { "  " + $0 }
  }
}
