// Reading a column: null checks, typed buffers for hot loops, per-row values for the rest.

extension Column {
  /// Whether any row is null.
  @inlinable public var hasNulls: Bool {
    guard let validity else { return false }
    return validity.nullCount(in: start..<(start + count)) > 0
  }

  /// The number of null rows.
  /// - Complexity: O(count / 8).
  public var nullCount: Int { validity?.nullCount(in: start..<(start + count)) ?? 0 }

  /// Whether row `row` is null.
  /// - Precondition: `0 <= row < count`.
  @inlinable public func isNull(_ row: Int) -> Bool {
    precondition(row >= 0 && row < count, "Column: row \(row) out of 0..<\(count)")
    guard let validity else { return false }
    return !validity[start + row]
  }

  /// The validity of this column's rows as a bitmap starting at row 0 (nil when no row is null).
  public var validityBitmap: ValidityBitmap? {
    guard let validity, hasNulls else { return nil }
    if start == 0 && validity.count == count { return validity }
    return ValidityBitmap((start..<(start + count)).lazy.map { validity[$0] })
  }

  /// Calls `body` with the fixed-width values as a typed buffer: `count` values, or
  /// `count * dimension` elements for a vector column (row `r` at `r * dimension`). Null rows
  /// hold zeros or whatever was stored; check `isNull(_:)`.
  /// - Precondition: the column is fixed-width and `T`'s size divides the row width (e.g.
  ///   `Float` for float32 vectors, `Int64` for int64 or timestamp, `UInt16` for float16).
  @inlinable public func withUnsafeValues<T: BitwiseCopyable, Result>(
    as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> Result
  ) rethrows -> Result {
    guard let width = dataType.byteWidth else {
      preconditionFailure("Column.withUnsafeValues: \(dataType) is variable-length")
    }
    let stride = MemoryLayout<T>.stride
    precondition(width % stride == 0, "Column.withUnsafeValues: \(T.self) does not fit \(dataType)")
    let perRow = width / stride
    return try values.withUnsafeBytes { raw in
      guard count > 0, let base = raw.baseAddress else {
        return try body(UnsafeBufferPointer(start: nil, count: 0))
      }
      return try (base + start * width).withMemoryRebound(to: T.self, capacity: count * perRow) {
        try body(UnsafeBufferPointer(start: $0, count: count * perRow))
      }
    }
  }

  /// Calls `body` with the raw bytes of the fixed-width rows (`count * byteWidth` bytes).
  /// - Precondition: the column is fixed-width.
  @inlinable public func withUnsafeBytes<Result>(
    _ body: (UnsafeRawBufferPointer) throws -> Result
  ) rethrows -> Result {
    guard let width = dataType.byteWidth else {
      preconditionFailure("Column.withUnsafeBytes: \(dataType) is variable-length")
    }
    return try values.withUnsafeBytes { raw in
      try body(UnsafeRawBufferPointer(rebasing: raw[(start * width)..<((start + count) * width)]))
    }
  }

  /// The fixed-width values as an array (nulls read as stored, usually zero); for vector columns
  /// the flat elements.
  /// - Precondition: as for `withUnsafeValues(as:_:)`.
  public func values<T: BitwiseCopyable>(as type: T.Type) -> [T] {
    withUnsafeValues(as: T.self) { Array($0) }
  }

  /// The value of a fixed-width row as `T`, or nil when the row is null.
  /// - Precondition: `T`'s size is the row width, `0 <= row < count`.
  @inlinable public func value<T: BitwiseCopyable>(at row: Int, as type: T.Type) -> T? {
    if isNull(row) { return nil }
    guard let width = dataType.byteWidth, width == MemoryLayout<T>.size else {
      preconditionFailure("Column.value(at:as:): \(T.self) is not the width of \(dataType)")
    }
    return values.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: (start + row) * width, as: T.self) }
  }

  /// Calls `body` with the bytes of variable-length row `row` (empty for null).
  /// - Precondition: the column is `utf8` or `binary`; `0 <= row < count`.
  @inlinable public func withUnsafeBytes<Result>(
    ofRow row: Int, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) rethrows -> Result {
    precondition(dataType.isVariableLength, "Column.withUnsafeBytes(ofRow:): \(dataType) is fixed-width")
    precondition(row >= 0 && row < count, "Column: row \(row) out of 0..<\(count)")
    let lower = Int(offsets[start + row])
    let upper = Int(offsets[start + row + 1])
    return try values.withUnsafeBytes { raw in
      try body(UnsafeRawBufferPointer(rebasing: raw[lower..<upper]))
    }
  }

  /// The text of a `utf8` row, or nil when null.
  public func string(at row: Int) -> String? {
    if isNull(row) { return nil }
    return withUnsafeBytes(ofRow: row) { String(decoding: $0, as: UTF8.self) }
  }

  /// Every row of a `utf8` column.
  public var strings: [String?] { (0..<count).map { string(at: $0) } }

  /// The bytes of a `binary` or `utf8` row, or nil when null.
  public func bytes(at row: Int) -> [UInt8]? {
    if isNull(row) { return nil }
    return withUnsafeBytes(ofRow: row) { [UInt8]($0) }
  }

  /// The vector of a fixed-size-list row widened to `Float` (float16 converted, uint8 as 0…255),
  /// or nil when null.
  public func vector(at row: Int) -> [Float]? {
    guard case .fixedSizeList(let element, let dimension) = dataType else {
      preconditionFailure("Column.vector(at:): \(dataType) is not a vector type")
    }
    if isNull(row) { return nil }
    switch element {
    case .float32:
      return withUnsafeValues(as: Float.self) { Array($0[(row * dimension)..<((row + 1) * dimension)]) }
    case .float16:
      return withUnsafeValues(as: UInt16.self) {
        $0[(row * dimension)..<((row + 1) * dimension)].map(HalfPrecision.float(fromBits:))
      }
    case .uint8:
      return withUnsafeValues(as: UInt8.self) {
        $0[(row * dimension)..<((row + 1) * dimension)].map(Float.init)
      }
    }
  }

  /// The cell at `row` as a generic value (slow path: allocates for strings and vectors).
  public subscript(row: Int) -> ColumnValue {
    if isNull(row) { return .null }
    switch dataType {
    case .bool: return .bool(value(at: row, as: UInt8.self)! != 0)
    case .int8: return .int(Int64(value(at: row, as: Int8.self)!))
    case .int16: return .int(Int64(value(at: row, as: Int16.self)!))
    case .int32: return .int(Int64(value(at: row, as: Int32.self)!))
    case .int64: return .int(value(at: row, as: Int64.self)!)
    case .uint8: return .uint(UInt64(value(at: row, as: UInt8.self)!))
    case .uint16: return .uint(UInt64(value(at: row, as: UInt16.self)!))
    case .uint32: return .uint(UInt64(value(at: row, as: UInt32.self)!))
    case .uint64: return .uint(value(at: row, as: UInt64.self)!)
    case .float16: return .float16Bits(value(at: row, as: UInt16.self)!)
    case .float32: return .float(Double(value(at: row, as: Float.self)!))
    case .float64: return .float(value(at: row, as: Double.self)!)
    case .utf8: return .string(string(at: row)!)
    case .binary: return .binary(bytes(at: row)!)
    case .timestamp: return .timestamp(value(at: row, as: Int64.self)!)
    case .date: return .date(value(at: row, as: Int32.self)!)
    case .fixedSizeList(.uint8, let dimension):
      return .byteVector(withUnsafeValues(as: UInt8.self) { Array($0[(row * dimension)..<((row + 1) * dimension)]) })
    case .fixedSizeList: return .vector(vector(at: row)!)
    }
  }
}

extension Column: Equatable {
  /// Columns are equal when they have the same type, row count, null rows and, row by row, the
  /// same value bytes (so `-0.0 != 0.0` and NaNs compare by bit pattern); storage sharing and
  /// the bytes under null rows do not matter.
  public static func == (lhs: Column, rhs: Column) -> Bool {
    guard lhs.dataType == rhs.dataType, lhs.count == rhs.count else { return false }
    for row in 0..<lhs.count where lhs.isNull(row) != rhs.isNull(row) { return false }
    if let width = lhs.dataType.byteWidth {
      return lhs.withUnsafeBytes { left in
        rhs.withUnsafeBytes { right in
          for row in 0..<lhs.count where !lhs.isNull(row) {
            let range = (row * width)..<((row + 1) * width)
            if !left[range].elementsEqual(right[range]) { return false }
          }
          return true
        }
      }
    }
    for row in 0..<lhs.count where !lhs.isNull(row) {
      let same = lhs.withUnsafeBytes(ofRow: row) { left in
        rhs.withUnsafeBytes(ofRow: row) { right in left.elementsEqual(right) }
      }
      if !same { return false }
    }
    return true
  }
}
