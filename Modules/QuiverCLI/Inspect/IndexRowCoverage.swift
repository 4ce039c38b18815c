import QuiverIndex
import QuiverStorage
import QuiverTable

/// Checks the row ids an index holds against the fragments a table version gives it
/// (Docs/Format.md, "Validation on read"). Fragment ids are never reused, so a row of a fragment
/// the version has must lie in a fragment the index covers and inside its row count; rows of
/// fragments the version no longer has (compacted away, or emptied by deletes) are expected.
struct IndexRowCoverage {
  /// Rows per fragment of the version.
  private let rowCounts: [UInt32: Int]
  private let covered: Set<UInt32>
  private let name: String

  /// The coverage of `entry` in `dataset`'s version.
  init(entry: IndexEntry, dataset: Dataset) {
    covered = Set(entry.fragmentIDs)
    name = entry.name
    var counts: [UInt32: Int] = [:]
    for fragment in dataset.fragments { counts[fragment.id] = fragment.physicalRowCount }
    rowCounts = counts
  }

  /// The first row id of `rowIds` the index may not hold, described; nil when all fit.
  /// - Parameter partition: names the partition in the message (nil: a single graph).
  func problem(_ rowIds: [UInt64], partition: Int?) -> String? {
    let place = partition.map { "partition \($0)" } ?? "the graph"
    for rowId in rowIds {
      let fragment = RowID.fragmentID(rowId)
      guard let rows = rowCounts[fragment] else { continue }
      guard covered.contains(fragment) else {
        return "index '\(name)': \(place) holds row id \(rowId) of fragment \(fragment), which "
          + "the version has but the index does not cover"
      }
      let offset = Int(RowID.offset(rowId))
      if offset >= rows {
        return "index '\(name)': \(place) holds row id \(rowId), offset \(offset) of fragment "
          + "\(fragment), which has \(rows) rows"
      }
    }
    return nil
  }

  /// The first problem among `partitions` partitions whose row ids `rowIDs` reads.
  func firstProblem(partitions: Int, rowIDs: (Int) throws(IndexError) -> [UInt64])
    throws(IndexError) -> String?
  {
    for partition in 0..<partitions {
      if let problem = problem(try rowIDs(partition), partition: partition) { return problem }
    }
    return nil
  }
}
