import Testing

@testable import QuiverStorage

@Suite struct SortedSearchTests {
  @Test(arguments: [0, 1, 2, 7, 64])
  func sortedPositionFindsEveryValueAndNoOther(count: Int) {
    let values = (0..<count).map { UInt64($0 * 3 + 1) }
    for (position, value) in values.enumerated() {
      #expect(values.sortedPosition(of: value) == position)
      #expect(values.sortedPosition(of: value + 1) == nil)
    }
    #expect(values.sortedPosition(of: 0) == nil)
    #expect([5, 5, 5, 9].sortedPosition(of: 5) == 0)
  }
}
