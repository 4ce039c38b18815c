import Foundation
import QuiverStorage

/// Where an index's files live: a folder of a `Storage` (the table's `_indices/<uuid>/`), or a
/// plain local folder.
public struct IndexFolder: Sendable {
  /// The storage holding the files.
  public var storage: any Storage
  /// The folder within it.
  public var path: StoragePath

  /// The folder `path` of `storage`.
  public init(storage: any Storage, path: StoragePath) {
    self.storage = storage
    self.path = path
  }

  /// A local folder (created when the index is written).
  public init(local url: URL) {
    self.init(storage: LocalStorage(root: url.path), path: .root)
  }

  /// Starts the new file `name` in the folder, first removing a file of an earlier write there.
  /// - Throws: `StorageError`.
  func newFile(_ name: String) throws -> any StorageWriter {
    let file = try path.appending(name: name)
    try storage.delete(file)
    return try storage.createObject(file)
  }
}
