import Foundation

/// One object found by `Storage.list`.
public struct StorageEntry: Hashable, Sendable {
  /// The object's full path from the storage root.
  public var path: StoragePath
  /// Its size in bytes.
  public var size: Int
  /// When it was last written.
  public var lastModified: Date

  /// Creates an entry.
  public init(path: StoragePath, size: Int, lastModified: Date) {
    self.path = path
    self.size = size
    self.lastModified = lastModified
  }
}
