import QuiverFormat
import QuiverStorage
import QuiverTable

/// Checks that the row ids an index holds lie inside the fragments its manifest entry says it
/// covers (Docs/Format.md, "Validation on read"): a row id of another fragment, or past the end
/// of its fragment, would make a search return rows the index was never built on.
struct IndexRowCoverage {
  /// Rows per covered fragment that still exists in the version.
  private let rowCounts: [UInt32: Int]
  private let covered: Set<UInt32>
  private let name: String

  /// The coverage of `entry` in `dataset`'s version.
  init(entry: IndexEntry, dataset: Dataset) {
    covered = Set(entry.fragmentIDs)
    name = entry.name
    var counts: [UInt32: Int] = [:]
    for fragment in dataset.fragments where covered.contains(fragment.id) {
      counts[fragment.id] = fragment.physicalRowCount
    }
    rowCounts = counts
  }

  /// The first row id of `rowIds` outside the covered fragments, described; nil when all fit.
  /// - Parameter partition: names the partition in the message.
  func problem(_ rowIds: [UInt64], partition: Int) -> String? {
    for rowId in rowIds {
      let fragment = RowID.fragmentID(rowId)
      let offset = Int(RowID.offset(rowId))
      guard covered.contains(fragment) else {
        return "index '\(name)': partition \(partition) holds row id \(rowId) of fragment "
          + "\(fragment), which the index does not cover"
      }
      if let rows = rowCounts[fragment], offset >= rows {
        return "index '\(name)': partition \(partition) holds row id \(rowId), offset \(offset) "
          + "of fragment \(fragment), which has \(rows) rows"
      }
    }
    return nil
  }
}
