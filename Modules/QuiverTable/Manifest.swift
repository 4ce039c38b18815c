import Foundation
import QuiverStorage

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

/// A column of a manifest's schema, stored by name and type name.
public struct ManifestField: Sendable, Hashable, Codable {
  /// The column name.
  public var name: String
  /// The type, as `QuiverFormat.DataType.name` spells it (`float32`,
  /// `fixed_size_list<float32>[384]`, ...).
  public var type: String
  /// Whether the column may hold nulls.
  public var nullable: Bool
  /// Free-form field metadata.
  public var metadata: [String: String]

  /// Creates a field record.
  public init(name: String, type: String, nullable: Bool, metadata: [String: String] = [:]) {
    self.name = name
    self.type = type
    self.nullable = nullable
    self.metadata = metadata
  }
}

/// One fragment: a run of rows stored in one or more data files (each holding some columns),
/// with an optional deletion file.
public struct FragmentMetadata: Sendable, Hashable, Codable {
  /// The fragment id: the high 32 bits of its rows' ids.
  public var id: UInt32
  /// The number of rows in the data files, deleted or not.
  public var physicalRowCount: Int
  /// The data files; each holds the listed columns for all `physicalRowCount` rows. A column of
  /// the schema in no data file (added later) reads as nulls.
  public var dataFiles: [DataFileRecord]
  /// The deletion vector, if any row is deleted.
  public var deletionFile: DeletionFileRecord?

  /// Creates a fragment record.
  public init(
    id: UInt32, physicalRowCount: Int, dataFiles: [DataFileRecord],
    deletionFile: DeletionFileRecord? = nil
  ) {
    self.id = id
    self.physicalRowCount = physicalRowCount
    self.dataFiles = dataFiles
    self.deletionFile = deletionFile
  }

  /// The number of deleted rows.
  public var deletedRowCount: Int { deletionFile?.deletedRowCount ?? 0 }
  /// The number of rows that are not deleted.
  public var liveRowCount: Int { physicalRowCount - deletedRowCount }

  /// The row id of the row at `offset` in this fragment.
  public func rowID(offset: Int) -> UInt64 { RowID.make(fragmentID: id, offset: UInt32(offset)) }
}

/// A data file of a fragment.
public struct DataFileRecord: Sendable, Hashable, Codable {
  /// The path relative to the table folder (`data/<uuid>.qvf`).
  public var path: String
  /// The columns the file holds, by name.
  public var columns: [String]
  /// The file size in bytes (checked when the file is opened).
  public var sizeBytes: Int

  /// Creates a data-file record.
  public init(path: String, columns: [String], sizeBytes: Int) {
    self.path = path
    self.columns = columns
    self.sizeBytes = sizeBytes
  }
}

/// The deletion vector of a fragment: the offsets of all its deleted rows, in one file.
public struct DeletionFileRecord: Sendable, Hashable, Codable {
  /// The path relative to the table folder (`_deletions/<fragment>-<version>-<uuid>.del`).
  public var path: String
  /// How many rows it deletes.
  public var deletedRowCount: Int

  /// Creates a deletion-file record.
  public init(path: String, deletedRowCount: Int) {
    self.path = path
    self.deletedRowCount = deletedRowCount
  }
}

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

/// What a commit did, recorded in its manifest; the conflict check of concurrent writers reads
/// it.
public struct CommitOperation: Sendable, Hashable, Codable {
  /// The kinds of commit.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The first version of a table.
    case create
    /// Replaced all data (and possibly the schema).
    case overwrite
    /// Added fragments.
    case append
    /// Deleted rows (new deletion files for some fragments).
    case delete
    /// Deleted rows and added fragments in one commit (an update or upsert: new copies of
    /// the changed rows).
    case update
    /// Rewrote fragments (merged, deletions materialised).
    case compact
    /// Made an earlier version's content the latest.
    case restore
    /// Added, moved or removed a tag.
    case tag
    /// Added or replaced an index entry.
    case createIndex
    /// Removed an index entry.
    case dropIndex
    /// Added a nullable column.
    case addColumn
  }

  /// The kind of commit.
  public var kind: Kind
  /// Fragments this commit added.
  public var addedFragmentIDs: [UInt32]
  /// Fragments this commit removed.
  public var removedFragmentIDs: [UInt32]
  /// Fragments whose deletion files this commit changed (`delete`, `update`), or that a new
  /// index covers (`createIndex`).
  public var updatedFragmentIDs: [UInt32]
  /// For `restore`: the version whose content was restored.
  public var restoredVersion: UInt64?
  /// For `compact`: the row-id map file, relative to the table folder.
  public var rowIDMapPath: String?
  /// For `createIndex` / `dropIndex`: the index name; for `tag`: the tag name; for
  /// `addColumn`: the column.
  public var name: String?

  /// Creates an operation record.
  public init(
    kind: Kind, addedFragmentIDs: [UInt32] = [], removedFragmentIDs: [UInt32] = [],
    updatedFragmentIDs: [UInt32] = [], restoredVersion: UInt64? = nil,
    rowIDMapPath: String? = nil, name: String? = nil
  ) {
    self.kind = kind
    self.addedFragmentIDs = addedFragmentIDs
    self.removedFragmentIDs = removedFragmentIDs
    self.updatedFragmentIDs = updatedFragmentIDs
    self.restoredVersion = restoredVersion
    self.rowIDMapPath = rowIDMapPath
    self.name = name
  }
}

/// Feature bits of `Manifest.readerFeatures` / `writerFeatures`.
public enum TableFeatures {
  /// Some fragment has a deletion file.
  public static let deletionFiles: UInt64 = 1 << 0
  /// Some fragment lacks a column of the schema (added later), which reads as nulls.
  public static let missingColumnsReadAsNull: UInt64 = 1 << 1
  /// Every feature this build understands.
  public static let known: UInt64 = deletionFiles | missingColumnsReadAsNull
}
