/// A column as the filter language sees it: its name, the kind of values it holds and how its
/// type is spelled in messages.
public struct FilterColumn: Sendable, Hashable {
  /// The kind of values a column holds, as far as filters care.
  public enum Kind: Sendable, Hashable {
    /// `bool`.
    case boolean
    /// Signed integers of any width.
    case signedInteger
    /// Unsigned integers of any width.
    case unsignedInteger
    /// float16, float32 or float64.
    case float
    /// UTF-8 strings.
    case string
    /// Raw bytes (only `IS [NOT] NULL` applies).
    case binary
    /// Microseconds since the epoch, UTC.
    case timestamp
    /// Days since the epoch.
    case date
    /// Anything else, e.g. a vector (only `IS [NOT] NULL` applies).
    case other
  }

  /// The column's name.
  public var name: String
  /// The kind of values.
  public var kind: Kind
  /// The type as users see it, e.g. "int32" or "fixed_size_list<float32, 384>".
  public var typeName: String

  /// Creates a column description.
  public init(name: String, kind: Kind, typeName: String) {
    self.name = name
    self.kind = kind
    self.typeName = typeName
  }

  var isNumeric: Bool { kind == .signedInteger || kind == .unsignedInteger || kind == .float }
  var isTemporal: Bool { kind == .timestamp || kind == .date }
}
