import Foundation

/// The semantic checks a reader applies to a manifest after its checksum and framing have been
/// verified (Docs/Format.md, "Validation on read"): a faulty or hostile writer can produce a
/// manifest whose checksum matches but whose numbers contradict each other, and nothing
/// downstream may trap or allocate on the strength of such numbers.
extension Manifest {
  /// The most rows a fragment can hold: row offsets are 32-bit.
  package static let maximumFragmentRowCount = 1 << 32

  /// Checks that the manifest is consistent with itself.
  ///
  /// Rules: the version is at least 1; column names are unique; fragment ids are unique and
  /// below `nextFragmentID`; a fragment holds 1 ... 2³² rows and deletes at most all of them;
  /// each data file has a non-empty path, at least one column, only columns of the schema,
  /// and no column held by two data files of the fragment; the table's total rows and data
  /// bytes do not overflow; index uuids and names are unique and an index lists each fragment
  /// once.
  /// - Parameter source: the manifest file, named in the message.
  /// - Throws: `TableError.corruptManifest` naming the file, the fragment or index and the
  ///   field.
  package func validate(source: URL) throws(TableError) {
    func corrupt(_ why: String) -> TableError {
      TableError(.corruptManifest, "manifest '\(source.objectName)' \(why)")
    }
    guard version >= 1 else { throw corrupt("has version 0; versions start at 1") }
    var columnNames = Set<String>()
    for field in fields where !columnNames.insert(field.name).inserted {
      throw corrupt("names column '\(field.name)' twice")
    }
    let fieldNames = fields.map(\.name)
    var fragmentIDs = Set<UInt32>(minimumCapacity: fragments.count)
    var totalRows = 0
    var totalBytes = 0
    for fragment in fragments {
      let id = fragment.id
      guard fragmentIDs.insert(id).inserted else { throw corrupt("lists fragment \(id) twice") }
      guard id < nextFragmentID else {
        throw corrupt("has fragment \(id) but its next fragment id is \(nextFragmentID)")
      }
      guard (1...Manifest.maximumFragmentRowCount).contains(fragment.physicalRowCount) else {
        throw corrupt(
          "fragment \(id): row count \(fragment.physicalRowCount) is outside "
            + "1...\(Manifest.maximumFragmentRowCount)")
      }
      if let deletion = fragment.deletionFile {
        // The guard above makes the range valid.
        guard (1...fragment.physicalRowCount).contains(deletion.deletedRowCount) else {
          throw corrupt(
            "fragment \(id): deletion file '\(deletion.path)' deletes \(deletion.deletedRowCount) "
              + "rows of \(fragment.physicalRowCount)")
        }
        guard !deletion.path.isEmpty else {
          throw corrupt("fragment \(id): the deletion file's path is empty")
        }
      }
      guard !fragment.dataFiles.isEmpty else { throw corrupt("fragment \(id) has no data file") }
      // The common case, one data file holding the schema's columns in order, needs no sets
      // (the names are already known to be unique): opening a table validates every fragment.
      let holdsTheSchema =
        fragment.dataFiles.count == 1 && fragment.dataFiles[0].columns == fieldNames
      var fragmentColumns = Set<String>()
      for file in fragment.dataFiles {
        guard !file.path.isEmpty else { throw corrupt("fragment \(id): a data file's path is empty") }
        guard !file.columns.isEmpty else {
          throw corrupt("fragment \(id): data file '\(file.path)' holds no column")
        }
        for column in file.columns where !holdsTheSchema {
          guard columnNames.contains(column) else {
            throw corrupt(
              "fragment \(id): data file '\(file.path)' holds column '\(column)', which is not in "
                + "the schema")
          }
          guard fragmentColumns.insert(column).inserted else {
            throw corrupt("fragment \(id): column '\(column)' is in two data files")
          }
        }
        let (bytes, bytesOverflow) = totalBytes.addingReportingOverflow(file.sizeBytes)
        guard !bytesOverflow else {
          throw corrupt(
            "fragment \(id): data file '\(file.path)' size \(file.sizeBytes) makes the table's "
              + "total size overflow")
        }
        totalBytes = bytes
      }
      let (rows, rowsOverflow) = totalRows.addingReportingOverflow(fragment.physicalRowCount)
      guard !rowsOverflow else { throw corrupt("fragment \(id): the total row count overflows") }
      totalRows = rows
    }
    var indexUUIDs = Set<String>()
    var indexNames = Set<String>()
    for entry in indices {
      guard indexUUIDs.insert(entry.uuid).inserted else {
        throw corrupt("lists index uuid '\(entry.uuid)' twice")
      }
      guard indexNames.insert(entry.name).inserted else {
        throw corrupt("lists index name '\(entry.name)' twice")
      }
      guard columnNames.contains(entry.column) else {
        throw corrupt("index '\(entry.name)' is on column '\(entry.column)', not in the schema")
      }
      guard Set(entry.fragmentIDs).count == entry.fragmentIDs.count else {
        throw corrupt("index '\(entry.name)' lists a fragment twice")
      }
    }
  }
}
