import Foundation
import QuiverTable

/// One side of `quiver convert`: an exchange file whose extension names its format, or a table
/// folder.
enum ConvertEndpoint: Sendable, Equatable {
  case file(String, ExchangeFormat)
  case table(String)

  /// The input `path`: an existing folder is a table, a file is named by its extension.
  /// - Throws: `CLIError.noInput` when it does not exist, `.usage` for an unknown extension.
  static func input(_ path: String) throws -> ConvertEndpoint {
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
  /// a database names its table folders) or an existing table folder is a table.
  /// - Throws: `CLIError.usage` for an unknown or missing extension.
  static func output(_ path: String) throws -> ConvertEndpoint {
    if let format = ExchangeFormat(path: path) { return .file(path, format) }
    let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
    if trimmed.hasSuffix(DatabaseFolder.tableSuffix) || Dataset.exists(at: URL(fileURLWithPath: path)) {
      return .table(path)
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
