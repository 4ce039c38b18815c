import Foundation

/// One folder found by `Storage.emptyFolders(under:)`: a folder that holds no object.
public struct StorageFolder: Hashable, Sendable {
  /// The folder's full path from the storage root.
  public var path: StoragePath
  /// When its list of names last changed (a local folder's modification time; a folder
  /// marker's write time in an object store).
  public var lastModified: Date

  /// Creates a folder entry.
  public init(path: StoragePath, lastModified: Date) {
    self.path = path
    self.lastModified = lastModified
  }
}
