import Foundation
import QuiverTable

/// One side of `quiver convert`: an exchange file whose extension names its format, or a table
/// folder.
enum ConvertEndpoint: Sendable, Equatable {
  case file(String, ExchangeFormat)
  case table(String)

  /// The input `typedPath`: an `s3://` URI or an existing folder is a table, a file is named by its extension, a
  /// path without an extension names a table (`db/NAME` → `db/NAME.quiver`).
  /// - Throws: `CLIError.noInput` when it does not exist, `.usage` for an unknown extension.
  static func input(_ typedPath: String) throws -> ConvertEndpoint {
    let path = TablePath.resolve(typedPath)
    if ObjectStoreTables.isRemote(path) { return .table(path) }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw CLIError(.noInput, "\(path): no such file or table")
    }
    if isFolder.boolValue { return .table(path) }
    guard let format = ExchangeFormat(path: path) else {
      throw unknownFormat(path)
    }
    return .file(path, format)
  }

  /// The output `path`: a known extension names a file format; a name ending in `.quiver` (how
  /// a database names its table folders), a name without an extension (`db/NAME` →
  /// `db/NAME.quiver`) or an existing table folder is a table.
  /// - Throws: `CLIError.usage` for an unknown or missing extension.
  static func output(_ path: String) throws -> ConvertEndpoint {
    if let format = ExchangeFormat(path: path) { return .file(path, format) }
    let table = TablePath.resolve(path)
    let trimmed = table.hasSuffix("/") ? String(table.dropLast()) : table
    if trimmed.hasSuffix(DatabaseFolder.tableSuffix) || ObjectStoreTables.isRemote(table)
      || Dataset.exists(at: URL(fileURLWithPath: table))
    {
      return .table(table)
    }
    throw unknownFormat(path)
  }

  private static func unknownFormat(_ path: String) -> CLIError {
    let shown = ExchangeFormat.pathExtension(path).map { "'.\($0)'" } ?? "(no extension)"
    return CLIError(
      .usage,
      "\(path): unknown format \(shown); known: \(ExchangeFormat.knownExtensions), "
        + "or a table folder NAME\(DatabaseFolder.tableSuffix)")
  }
}
