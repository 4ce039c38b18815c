import Foundation
import Quiver
import QuiverTable

/// Opening a table named on the command line through the public `Database`/`Table` API, exactly
/// as a user's program would.
enum QuiverTables {
  /// The table in the folder `typedPath`, which must be named `NAME.quiver` inside its database
  /// folder (that is how a `Database` names its tables); `db/NAME` names `db/NAME.quiver`.
  /// `memoryBudget` bounds its index builds and opened indexes' partition caches.
  /// - Throws: `CLIError.noInput` when there is no table there, `.usage` for a folder not named
  ///   so.
  /// An `s3://bucket/db/NAME.quiver` URI opens table NAME of the database `s3://bucket/db`.
  static func open(_ typedPath: String, memoryBudget: MemoryBudget = .default) throws -> Table {
    let path = TablePath.resolve(typedPath)
    if ObjectStoreTables.isRemote(path) {
      let (database, name) = try ObjectStoreTables.database(of: path)
      do {
        return try database.openTable(name)
      } catch let error as TableError where error.code == .notFound {
        throw CLIError(.noInput, "\(path): no table here (no manifest in _versions/)")
      }
    }
    let url = URL(fileURLWithPath: path).standardizedFileURL
    guard Dataset.exists(at: url) else {
      throw CLIError(.noInput, "\(path): no table here (no manifest in _versions/)")
    }
    let folderName = url.lastPathComponent
    let suffix = DatabaseFolder.tableSuffix
    guard folderName.hasSuffix(suffix), folderName.count > suffix.count else {
      throw CLIError(
        .usage,
        "\(path): a table's folder is named NAME\(suffix) inside its database folder; rename it "
          + "or convert it into one (quiver convert \(path) DB/NAME\(suffix))")
    }
    let database = try Database(url: url.deletingLastPathComponent(), memoryBudget: memoryBudget)
    return try database.openTable(String(folderName.dropLast(suffix.count)))
  }
}
