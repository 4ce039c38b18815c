/// The row ids of a graph's nodes, and the way back from a row id to its node.
struct HNSWRowMap: Sendable {
  /// `rowIds[node]`.
  let rowIds: [UInt64]
  /// Nodes ordered by row id (empty when `rowIds` is already ascending: then node order is).
  private let nodesByRow: [UInt32]
  /// The fragments of the row ids (their high 32 bits), ascending.
  let fragmentIDs: [UInt32]

  init(rowIds: [UInt64]) {
    self.rowIds = rowIds
    var ascending = true
    var fragments = Set<UInt32>()
    var lastFragment: UInt32? = nil
    for rowId in rowIds {
      let fragment = UInt32(truncatingIfNeeded: rowId >> 32)
      if fragment != lastFragment { fragments.insert(fragment) }
      lastFragment = fragment
    }
    fragmentIDs = fragments.sorted()
    for index in rowIds.indices.dropFirst() where rowIds[index - 1] >= rowIds[index] {
      ascending = false
      break
    }
    nodesByRow =
      ascending ? [] : rowIds.indices.sorted { rowIds[$0] < rowIds[$1] }.map { UInt32($0) }
  }

  /// The node holding `rowId`, or nil. - Complexity: O(log n).
  func node(of rowId: UInt64) -> Int? {
    var low = 0
    var high = rowIds.count
    let sorted = nodesByRow.isEmpty
    while low < high {
      let middle = (low + high) / 2
      let value = sorted ? rowIds[middle] : rowIds[Int(nodesByRow[middle])]
      if value < rowId { low = middle + 1 } else { high = middle }
    }
    guard low < rowIds.count else { return nil }
    let node = sorted ? low : Int(nodesByRow[low])
    return rowIds[node] == rowId ? node : nil
  }
}
