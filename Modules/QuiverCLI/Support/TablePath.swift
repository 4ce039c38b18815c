import Foundation
import QuiverTable

/// Table paths as people type them: `db/vectors` and `db/vectors.quiver` name the same table
/// (a `Database` names its table folders `NAME.quiver`).
enum TablePath {
  /// `path`, or `path` + `.quiver` when `path` does not exist and has no extension (a trailing
  /// `/` is dropped first). An existing file or folder is always taken as named.
  /// An `s3://` URI is never looked up: one without an extension gets `.quiver`.
  static func resolve(_ path: String) -> String {
    if !ObjectStoreTables.isRemote(path), FileManager.default.fileExists(atPath: path) {
      return path
    }
    let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    guard ExchangeFormat.pathExtension(trimmed) == nil, !trimmed.isEmpty else { return path }
    return trimmed + DatabaseFolder.tableSuffix
  }

  /// The sentence `--help` uses for a table argument.
  static let help =
    "a table folder: db/items names db/items.quiver, and a new table's missing parent folders "
    + "are created; or s3://bucket/db/items.quiver (endpoint and keys from AWS_ENDPOINT_URL, "
    + "AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; cache folder QUIVER_S3_CACHE_DIR)"
}
