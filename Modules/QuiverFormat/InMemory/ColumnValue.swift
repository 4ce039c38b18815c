/// One cell of a column, for generic (slow-path) access; hot code reads typed buffers instead.
public enum ColumnValue: Hashable, Sendable {
  /// A null cell.
  case null
  /// A `bool` value.
  case bool(Bool)
  /// A signed integer (`int8` … `int64`).
  case int(Int64)
  /// An unsigned integer (`uint8` … `uint64`).
  case uint(UInt64)
  /// A `float16` value as its bit pattern.
  case float16Bits(UInt16)
  /// A `float32` or `float64` value.
  case float(Double)
  /// A `utf8` value.
  case string(String)
  /// A `binary` value.
  case binary([UInt8])
  /// A `timestamp`: microseconds since the Unix epoch, UTC.
  case timestamp(Int64)
  /// A `date`: days since the Unix epoch.
  case date(Int32)
  /// A float32 or float16 vector, widened to `Float`.
  case vector([Float])
  /// A uint8 vector.
  case byteVector([UInt8])

  /// Whether this is `.null`.
  public var isNull: Bool { self == .null }
}
