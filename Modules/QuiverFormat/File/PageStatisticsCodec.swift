#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Computes, stores and reads page statistics (Docs/Format.md "Page descriptor", statistics).
enum PageStatisticsCodec {
  /// Min and max bytes of the non-null values of `column`, or nil when the type has no
  /// statistics or no value qualifies.
  static func compute(_ column: Column) -> StatisticsBytes? {
    switch column.dataType {
    case .bool: return fixed(column, UInt8.self)
    case .int8: return fixed(column, Int8.self)
    case .int16: return fixed(column, Int16.self)
    case .int32, .date: return fixed(column, Int32.self)
    case .int64, .timestamp: return fixed(column, Int64.self)
    case .uint8: return fixed(column, UInt8.self)
    case .uint16: return fixed(column, UInt16.self)
    case .uint32: return fixed(column, UInt32.self)
    case .uint64: return fixed(column, UInt64.self)
    case .float32: return fixed(column, Float.self)
    case .float64: return fixed(column, Double.self)
    case .utf8, .binary: return variable(column)
    case .float16, .fixedSizeList: return nil
    }
  }

  private static func fixed<T: Comparable & BitwiseCopyable>(_ column: Column, _ type: T.Type) -> StatisticsBytes? {
    let hasNulls = column.hasNulls
    let found: (T, T)? = column.withUnsafeValues(as: T.self) { values in
      var minimum: T? = nil
      var maximum: T? = nil
      for index in 0..<values.count {
        if hasNulls && column.isNull(index) { continue }
        let value = values[index]
        if value != value { continue }  // NaN
        if let current = minimum {
          if value < current { minimum = value }
          if value > maximum! { maximum = value }
        } else {
          minimum = value
          maximum = value
        }
      }
      return minimum.map { ($0, maximum!) }
    }
    guard let (minimum, maximum) = found else { return nil }
    return StatisticsBytes(
      minimum: withUnsafeBytes(of: minimum) { [UInt8]($0) },
      maximum: withUnsafeBytes(of: maximum) { [UInt8]($0) })
  }

  private static func variable(_ column: Column) -> StatisticsBytes? {
    column.values.withUnsafeBytes { raw -> StatisticsBytes? in
      var minimum: UnsafeRawBufferPointer? = nil
      var maximum: UnsafeRawBufferPointer? = nil
      for row in 0..<column.count where !column.isNull(row) {
        let lower = Int(column.offsets[column.start + row])
        let upper = Int(column.offsets[column.start + row + 1])
        let bytes = UnsafeRawBufferPointer(rebasing: raw[lower..<upper])
        if minimum == nil || precedes(bytes, minimum!) { minimum = bytes }
        if maximum == nil || precedes(maximum!, bytes) { maximum = bytes }
      }
      guard let minimum, let maximum, minimum.count <= DataFileLayout.maximumStatisticsLength,
        maximum.count <= DataFileLayout.maximumStatisticsLength
      else { return nil }
      return StatisticsBytes(minimum: [UInt8](minimum), maximum: [UInt8](maximum))
    }
  }

  /// Bytewise order (shorter first on a common prefix), with `memcmp`.
  static func precedes(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
    let common = min(left.count, right.count)
    if common > 0 {
      let order = memcmp(left.baseAddress!, right.baseAddress!, common)
      if order != 0 { return order < 0 }
    }
    return left.count < right.count
  }

  /// The statistics as values of `type`, or nil when the bytes do not fit the type.
  static func decode(minimum: [UInt8], maximum: [UInt8], type: DataType) -> PageStatistics? {
    guard let low = value(minimum, type), let high = value(maximum, type) else { return nil }
    return PageStatistics(minimum: low, maximum: high)
  }

  private static func value(_ bytes: [UInt8], _ type: DataType) -> ColumnValue? {
    if type == .utf8 { return .string(String(decoding: bytes, as: UTF8.self)) }
    if type == .binary { return .binary(bytes) }
    guard let width = type.byteWidth, bytes.count == width, !type.isVector, type != .float16 else {
      return nil
    }
    let column = Column(dataType: type, count: 1, values: bytes, validity: nil)
    if type == .bool && bytes[0] > 1 { return nil }
    return column[0]
  }
}
