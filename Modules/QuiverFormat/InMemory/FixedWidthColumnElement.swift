/// A Swift type whose values a fixed-width column stores directly, little-endian, `stride` bytes
/// each: the integers, `Float`, `Double` and `Bool` (one byte, 0 or 1).
public protocol FixedWidthColumnElement: BitwiseCopyable, Sendable {
  /// The column type an array of this type becomes.
  static var columnDataType: DataType { get }
}

extension Bool: FixedWidthColumnElement { public static var columnDataType: DataType { .bool } }
extension Int8: FixedWidthColumnElement { public static var columnDataType: DataType { .int8 } }
extension Int16: FixedWidthColumnElement { public static var columnDataType: DataType { .int16 } }
extension Int32: FixedWidthColumnElement { public static var columnDataType: DataType { .int32 } }
extension Int64: FixedWidthColumnElement { public static var columnDataType: DataType { .int64 } }
extension UInt8: FixedWidthColumnElement { public static var columnDataType: DataType { .uint8 } }
extension UInt16: FixedWidthColumnElement { public static var columnDataType: DataType { .uint16 } }
extension UInt32: FixedWidthColumnElement { public static var columnDataType: DataType { .uint32 } }
extension UInt64: FixedWidthColumnElement { public static var columnDataType: DataType { .uint64 } }
extension Float: FixedWidthColumnElement { public static var columnDataType: DataType { .float32 } }
extension Double: FixedWidthColumnElement { public static var columnDataType: DataType { .float64 } }
#if arch(x86_64) || arch(arm64)
  extension Int: FixedWidthColumnElement { public static var columnDataType: DataType { .int64 } }
  extension UInt: FixedWidthColumnElement {
    /// `UInt` values are stored as uint64.
    public static var columnDataType: DataType { .uint64 }
  }
#endif
