import Foundation

/// One object as a listing or a HEAD request describes it.
public struct S3ObjectInfo: Sendable, Equatable {
  /// The full key.
  public var key: String
  /// The size in bytes.
  public var size: Int
  /// When the object was written, when the server said.
  public var lastModified: Date?
  /// The entity tag, quotes removed.
  public var entityTag: String?

  /// An object description.
  public init(key: String, size: Int, lastModified: Date?, entityTag: String?) {
    self.key = key
    self.size = size
    self.lastModified = lastModified
    self.entityTag = entityTag
  }
}
