import Foundation

/// Everything that defines one version of a table: its schema, its fragments with their data
/// and deletion files, its indexes and tags, and the operation that made it.
///
/// Manifests are immutable once committed. See Docs/Format.md, "Tables: layout, manifests,
/// deletions" for the encoding.
public struct Manifest: Sendable, Hashable, Codable {
  /// The version number; the first version of a table is 1.
  public var version: UInt64
  /// When the version was committed, in microseconds since 1970-01-01T00:00:00Z.
  public var timestampMicroseconds: Int64
  /// The operation that produced this version.
  public var operation: CommitOperation
  /// The table schema at this version, in column order.
  public var fields: [ManifestField]
  /// Schema-level metadata.
  public var schemaMetadata: [String: String]
  /// The fragments, in row order.
  public var fragments: [FragmentMetadata]
  /// The next unused fragment id; ids are never reused, so row ids stay unique forever.
  public var nextFragmentID: UInt32
  /// The indexes valid at this version.
  public var indices: [IndexEntry]
  /// Names for versions (tag name to version number).
  public var tags: [String: UInt64]
  /// Features a reader must understand to read this version (`TableFeatures` bits).
  public var readerFeatures: UInt64
  /// Features a writer must understand to commit on top of this version.
  public var writerFeatures: UInt64

  /// When the version was committed.
  public var timestamp: Date {
    Date(timeIntervalSince1970: Double(timestampMicroseconds) / 1_000_000)
  }

  /// The number of rows that are not deleted.
  public var liveRowCount: Int { fragments.reduce(0) { $0 + $1.liveRowCount } }

  /// The fragment with `id`, or nil.
  /// - Complexity: O(number of fragments).
  public func fragment(_ id: UInt32) -> FragmentMetadata? { fragments.first { $0.id == id } }
}
