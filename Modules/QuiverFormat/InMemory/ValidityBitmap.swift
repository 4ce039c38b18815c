/// Which rows of a column hold a value (bit set) and which are null (bit clear), one bit per row,
/// least significant bit first — the layout of Arrow and of Quiver's data files.
public struct ValidityBitmap: Hashable, Sendable {
  /// The packed bits; bits past `count` are zero.
  public private(set) var bytes: [UInt8]
  /// The number of rows covered.
  public private(set) var count: Int

  /// A bitmap of `count` rows, all valid or all null.
  public init(count: Int, allValid: Bool = true) {
    precondition(count >= 0, "ValidityBitmap: negative count \(count)")
    self.count = count
    bytes = [UInt8](repeating: allValid ? 0xFF : 0, count: (count + 7) / 8)
    if allValid { clearTail() }
  }

  /// A bitmap from one flag per row (`true` = valid).
  public init(_ flags: some Sequence<Bool>) {
    self.init(count: 0)
    for flag in flags { append(flag) }
  }

  /// A bitmap over packed bytes (bits past `count` are ignored and cleared).
  /// - Precondition: `bytes.count == (count + 7) / 8`.
  public init(bytes: [UInt8], count: Int) {
    precondition(bytes.count == (count + 7) / 8, "ValidityBitmap: \(bytes.count) bytes for \(count) bits")
    self.bytes = bytes
    self.count = count
    clearTail()
  }

  private mutating func clearTail() {
    let rest = count & 7
    if rest != 0 { bytes[bytes.count - 1] &= UInt8((1 << rest) - 1) }
  }

  /// Whether row `index` is valid (not null).
  public subscript(index: Int) -> Bool {
    get { bytes[index >> 3] & (1 << UInt8(index & 7)) != 0 }
    set {
      if newValue {
        bytes[index >> 3] |= 1 << UInt8(index & 7)
      } else {
        bytes[index >> 3] &= ~(1 << UInt8(index & 7))
      }
    }
  }

  /// Adds one row at the end.
  public mutating func append(_ valid: Bool) {
    if count & 7 == 0 { bytes.append(0) }
    if valid { bytes[count >> 3] |= 1 << UInt8(count & 7) }
    count += 1
  }

  /// The number of null rows in `range`.
  /// - Complexity: O(range.count / 8).
  public func nullCount(in range: Range<Int>) -> Int {
    var valid = 0
    var index = range.lowerBound
    while index < range.upperBound && index & 7 != 0 {
      if self[index] { valid += 1 }
      index += 1
    }
    while index + 8 <= range.upperBound {
      valid += bytes[index >> 3].nonzeroBitCount
      index += 8
    }
    while index < range.upperBound {
      if self[index] { valid += 1 }
      index += 1
    }
    return range.count - valid
  }

  /// The number of null rows.
  public var nullCount: Int { nullCount(in: 0..<count) }
}
