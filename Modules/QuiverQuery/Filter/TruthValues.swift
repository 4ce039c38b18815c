/// Three-valued truth per row, one byte each: 0 = false, 1 = unknown (NULL), 2 = true.
///
/// With this order, AND is the minimum, OR the maximum and NOT is `2 - x`, so combining two
/// columns of truth values is a branch-free loop.
package struct TruthValues: Sendable, Hashable {
  package static let falseValue: UInt8 = 0
  package static let unknownValue: UInt8 = 1
  package static let trueValue: UInt8 = 2

  /// One value per row.
  package var values: [UInt8]

  package init(values: [UInt8]) { self.values = values }

  /// `count` rows of the same value.
  package init(repeating value: UInt8, count: Int) {
    values = [UInt8](repeating: value, count: count)
  }

  package var count: Int { values.count }

  package mutating func formAnd(_ other: TruthValues) {
    precondition(other.count == count)
    values.withUnsafeMutableBufferPointer { left in
      other.values.withUnsafeBufferPointer { right in
        for index in left.indices { left[index] = min(left[index], right[index]) }
      }
    }
  }

  package mutating func formOr(_ other: TruthValues) {
    precondition(other.count == count)
    values.withUnsafeMutableBufferPointer { left in
      other.values.withUnsafeBufferPointer { right in
        for index in left.indices { left[index] = max(left[index], right[index]) }
      }
    }
  }

  package mutating func negate() {
    values.withUnsafeMutableBufferPointer { buffer in
      for index in buffer.indices { buffer[index] = 2 &- buffer[index] }
    }
  }

  /// The rows whose value is true, ascending.
  package var trueRows: [Int] {
    var rows: [Int] = []
    rows.reserveCapacity(count / 4)
    values.withUnsafeBufferPointer { buffer in
      for index in buffer.indices where buffer[index] == TruthValues.trueValue { rows.append(index) }
    }
    return rows
  }

  /// The number of true rows.
  package var trueCount: Int {
    values.withUnsafeBufferPointer { buffer in
      var total = 0
      for value in buffer where value == TruthValues.trueValue { total += 1 }
      return total
    }
  }
}
