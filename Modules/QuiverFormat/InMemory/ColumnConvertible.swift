/// A value that can become a `Column`: a `Column` itself or a Swift array of supported elements
/// (`[Int]`, `[Int32?]`, `[Double]`, `[Bool]`, `[String]`, `[String?]`, `[[Float]]` (vectors),
/// `[[UInt8]]` (uint8 vectors), `[[Float]?]`, …). Lets `RecordBatch(columns:)` take a literal.
public protocol ColumnConvertible: Sendable {
  /// The column holding these values.
  /// - Throws: `FormatError.invalidColumn` for ragged vectors.
  func makeColumn() throws -> Column
}

/// An element type whose arrays (and arrays of optionals) convert to a column.
public protocol ColumnArrayElement: Sendable {
  /// The column of `values`.
  static func makeColumn(_ values: [Self]) throws -> Column
  /// The column of `values`, with `nil` as null.
  static func makeColumn(optionals values: [Self?]) throws -> Column
}

extension Column: ColumnConvertible {
  /// The column itself.
  public func makeColumn() throws -> Column { self }
}

extension Array: ColumnConvertible where Element: ColumnArrayElement {
  /// A column of the array's values.
  public func makeColumn() throws -> Column { try Element.makeColumn(self) }
}

extension Optional: ColumnArrayElement where Wrapped: ColumnArrayElement {
  /// A nullable column of the wrapped values (`nil` is null).
  public static func makeColumn(_ values: [Wrapped?]) throws -> Column {
    try Wrapped.makeColumn(optionals: values)
  }
  /// A nullable column of doubly optional values (either `nil` is null).
  public static func makeColumn(optionals values: [Wrapped??]) throws -> Column {
    try Wrapped.makeColumn(optionals: values.map { $0 ?? nil })
  }
}

extension ColumnArrayElement where Self: FixedWidthColumnElement {
  /// A column of these values.
  public static func makeColumn(_ values: [Self]) throws -> Column { Column(values) }
  /// A nullable column of these values (`nil` is null).
  public static func makeColumn(optionals values: [Self?]) throws -> Column { Column(values) }
}

extension Bool: ColumnArrayElement {}
extension Int8: ColumnArrayElement {}
extension Int16: ColumnArrayElement {}
extension Int32: ColumnArrayElement {}
extension Int64: ColumnArrayElement {}
extension UInt8: ColumnArrayElement {}
extension UInt16: ColumnArrayElement {}
extension UInt32: ColumnArrayElement {}
extension UInt64: ColumnArrayElement {}
extension Float: ColumnArrayElement {}
extension Double: ColumnArrayElement {}
#if arch(x86_64) || arch(arm64)
  extension Int: ColumnArrayElement {}
  extension UInt: ColumnArrayElement {}
#endif

extension String: ColumnArrayElement {
  /// A `utf8` column of these strings.
  public static func makeColumn(_ values: [String]) throws -> Column { Column(values) }
  /// A nullable `utf8` column of these strings (`nil` is null).
  public static func makeColumn(optionals values: [String?]) throws -> Column { Column(values) }
}

/// The element of a vector row: `Float` (float32 vectors) or `UInt8` (uint8 vectors).
public protocol VectorRowElement: Sendable, BitwiseCopyable {
  /// The vector element type of a column of rows of this element.
  static var vectorElementType: VectorElementType { get }
}
extension Float: VectorRowElement {
  /// Vectors of `Float` are stored as float32.
  public static var vectorElementType: VectorElementType { .float32 }
}
extension UInt8: VectorRowElement {
  /// Vectors of `UInt8` are stored as uint8.
  public static var vectorElementType: VectorElementType { .uint8 }
}

extension Array: ColumnArrayElement where Element: VectorRowElement {
  /// A vector column of these rows (every row of one dimension).
  public static func makeColumn(_ values: [[Element]]) throws -> Column {
    try makeColumn(optionals: values.map { Optional($0) })
  }
  /// A nullable vector column of these rows (`nil` is null).
  public static func makeColumn(optionals values: [[Element]?]) throws -> Column {
    switch Element.vectorElementType {
    case .float32: try Column(vectors: values.map { $0.map { $0 as! [Float] } })
    case .uint8: try Column(byteVectors: values.map { $0.map { $0 as! [UInt8] } })
    case .float16: preconditionFailure("unreachable: no Swift element maps to float16")
    }
  }
}
