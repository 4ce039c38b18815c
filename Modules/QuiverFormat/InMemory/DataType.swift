/// The element type of a vector column (a fixed-size list).
public enum VectorElementType: String, Hashable, Sendable, CaseIterable, Codable {
  /// 32-bit IEEE floats.
  case float32
  /// 16-bit IEEE floats, kept as their bit patterns (`UInt16`).
  case float16
  /// Unsigned bytes (quantized or binary embeddings).
  case uint8

  /// Bytes per element.
  public var byteWidth: Int {
    switch self {
    case .float32: 4
    case .float16: 2
    case .uint8: 1
    }
  }
}

/// The type of a column's values.
///
/// Fixed-width types are stored little-endian, `bool` one byte per value in memory and one bit per
/// value on disk, `float16` as its 16-bit pattern, `timestamp` as microseconds since the Unix
/// epoch (UTC) in an `Int64`, `date` as days since the Unix epoch in an `Int32`.
public enum DataType: Hashable, Sendable {
  /// `true` / `false`.
  case bool
  /// Signed 8-bit integers.
  case int8
  /// Signed 16-bit integers.
  case int16
  /// Signed 32-bit integers.
  case int32
  /// Signed 64-bit integers.
  case int64
  /// Unsigned 8-bit integers.
  case uint8
  /// Unsigned 16-bit integers.
  case uint16
  /// Unsigned 32-bit integers.
  case uint32
  /// Unsigned 64-bit integers.
  case uint64
  /// Half-precision floats, stored as their bit patterns (no arithmetic in this module).
  case float16
  /// Single-precision floats.
  case float32
  /// Double-precision floats.
  case float64
  /// UTF-8 text of any length.
  case utf8
  /// Bytes of any length.
  case binary
  /// Microseconds since 1970-01-01T00:00:00Z, as `Int64`.
  case timestamp
  /// Days since 1970-01-01, as `Int32`.
  case date
  /// A vector: exactly `dimension` elements per row, stored contiguously.
  case fixedSizeList(VectorElementType, dimension: Int)

  /// Bytes per row for fixed-width types (bool counts one byte, as in memory); nil for `utf8`
  /// and `binary`.
  public var byteWidth: Int? {
    switch self {
    case .bool, .int8, .uint8: 1
    case .int16, .uint16, .float16: 2
    case .int32, .uint32, .float32, .date: 4
    case .int64, .uint64, .float64, .timestamp: 8
    case .utf8, .binary: nil
    case .fixedSizeList(let element, let dimension): element.byteWidth * dimension
    }
  }

  /// Whether values have a variable length (`utf8`, `binary`).
  public var isVariableLength: Bool { byteWidth == nil }

  /// Whether this is a fixed-size list (a vector column).
  public var isVector: Bool {
    if case .fixedSizeList = self { return true }
    return false
  }

  /// The vector dimension for fixed-size lists, nil otherwise.
  public var vectorDimension: Int? {
    if case .fixedSizeList(_, let dimension) = self { return dimension }
    return nil
  }

  /// Whether the type is a signed or unsigned integer (including `timestamp` and `date`).
  public var isInteger: Bool {
    switch self {
    case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .timestamp, .date:
      true
    default: false
    }
  }

  /// Whether the integer type is signed (`timestamp` and `date` are).
  public var isSignedInteger: Bool {
    switch self {
    case .int8, .int16, .int32, .int64, .timestamp, .date: true
    default: false
    }
  }

  /// A short lowercase name, used in messages and in `description`.
  public var name: String {
    switch self {
    case .bool: "bool"
    case .int8: "int8"
    case .int16: "int16"
    case .int32: "int32"
    case .int64: "int64"
    case .uint8: "uint8"
    case .uint16: "uint16"
    case .uint32: "uint32"
    case .uint64: "uint64"
    case .float16: "float16"
    case .float32: "float32"
    case .float64: "float64"
    case .utf8: "utf8"
    case .binary: "binary"
    case .timestamp: "timestamp[us, UTC]"
    case .date: "date"
    case .fixedSizeList(let element, let dimension): "fixed_size_list<\(element.rawValue)>[\(dimension)]"
    }
  }
}

extension DataType: CustomStringConvertible {
  /// A short readable form, for messages and logs.
  public var description: String { name }
}
