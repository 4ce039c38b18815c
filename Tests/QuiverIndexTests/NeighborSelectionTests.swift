import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

/// The branch-free selection and sort give what the standard library's sort by
/// `Neighbor.precedes` gives, ties (equal distances) included.
@Suite struct NeighborSelectionTests {
  @Test(arguments: [0, 1, 2, 15, 16, 17, 44, 200, 316, 5_000])
  func bestEqualsThePrefixOfAFullSort(count: Int) {
    var random = SeededGenerator(seed: 0x5E1E_C701)
    for distinctDistances in [3, 1_000_000] {
      let neighbors = (0..<UInt64(count)).shuffled(using: &random).map { id in
        Neighbor(
          id: id, distance: Float(Int.random(in: 0..<distinctDistances, using: &random)) / 8)
      }
      let expected = neighbors.sorted(by: Neighbor.precedes)
      for kept in Set([0, 1, count / 3, count, count + 5]) {
        var items = neighbors
        let best = items.withUnsafeMutableBufferPointer {
          NeighborSelection.best($0, count: kept)
        }
        #expect(best == Array(expected.prefix(kept)), "\(count) items, best \(kept)")
      }
      var items = neighbors
      items.withUnsafeMutableBufferPointer { NeighborSelection.sort($0) }
      #expect(items == expected, "\(count) items sorted")
    }
  }
}
