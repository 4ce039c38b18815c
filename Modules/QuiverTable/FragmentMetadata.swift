import QuiverStorage

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
