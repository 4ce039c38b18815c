extension Array where Element: Comparable {
  /// The position of `value` in this array, which must be sorted ascending (the first position
  /// when it appears more than once); nil when it is absent.
  /// - Complexity: O(log n).
  @inlinable
  package func sortedPosition(of value: Element) -> Int? {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if self[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low < count && self[low] == value ? low : nil
  }
}
