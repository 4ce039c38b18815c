import Foundation
import QuiverStorage
import QuiverTable

/// Opening tables named on the command line, with errors that name the path.
enum TableAccess {
  /// The table at `typedPath` (`db/NAME` names `db/NAME.quiver`), at `version` when given
  /// (read-only), else its latest version.
  /// - Throws: `CLIError.noInput` when there is no table there; table errors otherwise.
  /// An `s3://` URI opens the table in the object store (`ObjectStoreTables`).
  static func open(_ typedPath: String, version: UInt64? = nil) throws -> Dataset {
    let path = TablePath.resolve(typedPath)
    let storage: any Storage =
      ObjectStoreTables.isRemote(path)
      ? try ObjectStoreTables.storage(path)
      : LocalStorage(root: URL(fileURLWithPath: path).standardizedFileURL.path)
    guard Dataset.exists(in: storage) else {
      throw CLIError(.noInput, "\(path): no table here (no manifest in _versions/)")
    }
    if let version {
      do {
        return try Dataset.open(in: storage, version: version)
      } catch let error as TableError where error.code == .notFound {
        throw CLIError(.noInput, "\(path): version \(version) does not exist: \(error.message)")
      }
    }
    return try Dataset.open(in: storage)
  }
}
