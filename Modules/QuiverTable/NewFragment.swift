import QuiverFormat

/// A fragment whose data files are written but not yet committed.
package struct NewFragment: Sendable, Hashable {
  /// The number of rows in the data files.
  package var physicalRowCount: Int
  /// The data files (paths relative to the table folder).
  package var dataFiles: [DataFileRecord]

  /// Creates a record of written data files.
  package init(physicalRowCount: Int, dataFiles: [DataFileRecord]) {
    self.physicalRowCount = physicalRowCount
    self.dataFiles = dataFiles
  }
}
