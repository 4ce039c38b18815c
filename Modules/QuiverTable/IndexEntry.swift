import Foundation

/// An index recorded in a manifest. The index module writes the files into
/// `_indices/<uuid>/`; the table only records what the index covers.
public struct IndexEntry: Sendable, Hashable, Codable {
  /// A unique id; also the folder name under `_indices/`.
  public var uuid: String
  /// The user's name for the index (unique within a version).
  public var name: String
  /// The indexed column.
  public var column: String
  /// The index type, e.g. `IVF_PQ`, `IVF_HNSW_SQ`.
  public var indexType: String
  /// The distance metric, e.g. `l2`, `cosine`, `dot`.
  public var metric: String
  /// The fragments whose rows the index holds. After a compaction this is narrowed to the
  /// fragments that still exist; rows of the new fragments are not in the index until it is
  /// remapped or rebuilt.
  public var fragmentIDs: [UInt32]
  /// Small parameters of the index (partitions, sub-vectors, ...), as strings.
  public var parameters: [String: String]
  /// The version that committed this entry (set by the commit).
  public var createdInVersion: UInt64

  /// Creates an index entry (`createdInVersion` is set when it is committed).
  public init(
    uuid: String = UUID().uuidString.lowercased(), name: String, column: String,
    indexType: String, metric: String, fragmentIDs: [UInt32], parameters: [String: String] = [:]
  ) {
    self.uuid = uuid
    self.name = name
    self.column = column
    self.indexType = indexType
    self.metric = metric
    self.fragmentIDs = fragmentIDs
    self.parameters = parameters
    self.createdInVersion = 0
  }
}
