import Foundation
import QuiverFormat
import QuiverTable

/// One property's value in one row, as `RowEncoder` collects it.
enum EncodedCell: CustomStringConvertible {
  case null
  case bool(Bool)
  /// A signed integer and the column type its Swift type maps to.
  case signed(Int64, DataType)
  /// An unsigned integer and the column type its Swift type maps to.
  case unsigned(UInt64, DataType)
  /// A `Float16` as its bit pattern (the type is missing on macOS x86-64).
  case half(UInt16)
  case float(Float)
  case double(Double)
  case string(String)
  case binary([UInt8])
  case date(Date)
  case floatVector([Float])
  /// A `[Float16]` as bit patterns.
  case halfVector([UInt16])
  case byteVector([UInt8])

  /// The column type a value of this kind creates (nil for `.null`).
  var dataType: DataType? {
    switch self {
    case .null: nil
    case .bool: .bool
    case .signed(_, let type), .unsigned(_, let type): type
    case .half: .float16
    case .float: .float32
    case .double: .float64
    case .string: .utf8
    case .binary: .binary
    case .date: .timestamp
    case .floatVector(let vector): .fixedSizeList(.float32, dimension: vector.count)
    case .halfVector(let vector): .fixedSizeList(.float16, dimension: vector.count)
    case .byteVector(let vector): .fixedSizeList(.uint8, dimension: vector.count)
    }
  }

  /// The value and its Swift type, for error messages.
  var description: String {
    switch self {
    case .null: "nil"
    case .bool(let value): "Bool \(value)"
    case .signed(let value, _): "integer \(value)"
    case .unsigned(let value, _): "integer \(value)"
    case .half(let bits): "Float16 \(HalfPrecision.float(fromBits: bits))"
    case .float(let value): "Float \(value)"
    case .double(let value): "Double \(value)"
    case .string(let value): "String \"\(value)\""
    case .binary(let value): "Data of \(value.count) bytes"
    case .date(let value): "Date \(value)"
    case .floatVector(let value): "[Float] of \(value.count) elements"
    case .halfVector(let value): "[Float16] of \(value.count) elements"
    case .byteVector(let value): "[UInt8] of \(value.count) elements"
    }
  }
}

/// What one row's encoding produced: cells in property order and the optional properties.
final class RowCellStorage {
  var cells: [(String, EncodedCell)] = []
  var optional: Set<String> = []
  /// The column type of an optional property's Swift type, known even when its value is nil.
  var declaredTypes: [String: DataType] = [:]
}

/// The column type of a property's Swift type, where the type alone decides it (not for
/// vectors, whose dimension comes from a value).
func columnType<T>(of type: T.Type) -> DataType? {
  switch type {
  case is Bool.Type: .bool
  case is Int.Type, is Int64.Type: .int64
  case is Int8.Type: .int8
  case is Int16.Type: .int16
  case is Int32.Type: .int32
  case is UInt.Type, is UInt64.Type: .uint64
  case is UInt8.Type: .uint8
  case is UInt16.Type: .uint16
  case is UInt32.Type: .uint32
  case is Float.Type: .float32
  case is Double.Type: .float64
  case is String.Type: .utf8
  case is Data.Type: .binary
  case is Date.Type: .timestamp
  default: nil
  }
}

/// The `Encoder` a row encodes itself into: a keyed container whose values become cells.
struct RowCellEncoder: Encoder {
  let rowDescription: String
  let storage = RowCellStorage()
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  init(rowDescription: String) { self.rowDescription = rowDescription }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(RowKeyedContainer<Key>(storage: storage, rowDescription: rowDescription))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    RefusingContainer<RefusedKey>(problem: "\(rowDescription) encodes as a list; a row must be a struct")
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    RefusingContainer<RefusedKey>(problem: "\(rowDescription) encodes as one value; a row must be a struct")
  }
}

/// The row's properties: each value becomes one cell.
struct RowKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let storage: RowCellStorage
  let rowDescription: String
  var codingPath: [any CodingKey] { [] }

  func store(_ cell: EncodedCell, _ key: Key) { storage.cells.append((key.stringValue, cell)) }

  mutating func encodeNil(forKey key: Key) throws { store(.null, key) }
  mutating func encode(_ value: Bool, forKey key: Key) throws { store(.bool(value), key) }
  mutating func encode(_ value: String, forKey key: Key) throws { store(.string(value), key) }
  mutating func encode(_ value: Double, forKey key: Key) throws { store(.double(value), key) }
  mutating func encode(_ value: Float, forKey key: Key) throws { store(.float(value), key) }
  mutating func encode(_ value: Int, forKey key: Key) throws {
    store(.signed(Int64(value), .int64), key)
  }
  mutating func encode(_ value: Int8, forKey key: Key) throws {
    store(.signed(Int64(value), .int8), key)
  }
  mutating func encode(_ value: Int16, forKey key: Key) throws {
    store(.signed(Int64(value), .int16), key)
  }
  mutating func encode(_ value: Int32, forKey key: Key) throws {
    store(.signed(Int64(value), .int32), key)
  }
  mutating func encode(_ value: Int64, forKey key: Key) throws { store(.signed(value, .int64), key) }
  mutating func encode(_ value: UInt, forKey key: Key) throws {
    store(.unsigned(UInt64(value), .uint64), key)
  }
  mutating func encode(_ value: UInt8, forKey key: Key) throws {
    store(.unsigned(UInt64(value), .uint8), key)
  }
  mutating func encode(_ value: UInt16, forKey key: Key) throws {
    store(.unsigned(UInt64(value), .uint16), key)
  }
  mutating func encode(_ value: UInt32, forKey key: Key) throws {
    store(.unsigned(UInt64(value), .uint32), key)
  }
  mutating func encode(_ value: UInt64, forKey key: Key) throws {
    store(.unsigned(value, .uint64), key)
  }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    store(try SingleCellEncoder.cell(of: value, property: key.stringValue, row: rowDescription), key)
  }

  /// An optional property: its column is nullable, and `nil` is a null cell.
  mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }
  mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws {
    try encodeOptional(value, key)
  }

  private mutating func encodeOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
    storage.optional.insert(key.stringValue)
    if let type = columnType(of: T.self) { storage.declaredTypes[key.stringValue] = type }
    if let value { try encode(value, forKey: key) } else { store(.null, key) }
  }

  func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    KeyedEncodingContainer(
      RefusingContainer<NestedKey>(
        problem: "\(rowDescription): property '\(key.stringValue)' is a nested type"))
  }

  func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    RefusingContainer<RefusedKey>(problem: "\(rowDescription): property '\(key.stringValue)' is a list")
  }

  func superEncoder() -> any Encoder { RowCellEncoder(rowDescription: rowDescription) }
  func superEncoder(forKey key: Key) -> any Encoder {
    RowCellEncoder(rowDescription: rowDescription)
  }
}

/// Encodes one property value that is not a plain number, string or bool: a vector, a `Date`,
/// `Data`, `Float16`, or a type that encodes itself as one such value (an enum with a raw
/// value, an `Optional` inside an `Optional`).
struct SingleCellEncoder: Encoder, SingleValueEncodingContainer {
  let property: String
  let row: String
  let result = RowCellStorage()
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  /// The cell of `value`.
  /// - Throws: `TableError.invalidArgument` naming the property for types a column cannot hold.
  static func cell<T: Encodable>(of value: T, property: String, row: String) throws
    -> EncodedCell
  {
    if let vector = value as? [Float] { return .floatVector(vector) }
    if let vector = value as? [UInt8] { return .byteVector(vector) }
    if let date = value as? Date { return .date(date) }
    if let data = value as? Data { return .binary([UInt8](data)) }
    #if !(os(macOS) && arch(x86_64))
      if let half = value as? Float16 { return .half(half.bitPattern) }
      if let vector = value as? [Float16] { return .halfVector(vector.map(\.bitPattern)) }
    #endif
    let encoder = SingleCellEncoder(property: property, row: row)
    try value.encode(to: encoder)
    guard let cell = encoder.result.cells.first?.1 else {
      throw TableError(.invalidArgument, "\(row): property '\(property)' encoded no value")
    }
    return cell
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(
      RefusingContainer<Key>(
        problem: "\(row): property '\(property)' is a nested type; a column holds one value"))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    RefusingContainer<RefusedKey>(
      problem: "\(row): property '\(property)' is a list; only [Float], [Float16] and [UInt8] "
        + "vectors can be stored")
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { self }

  private func store(_ cell: EncodedCell) { result.cells.append((property, cell)) }

  func encodeNil() throws { store(.null) }
  func encode(_ value: Bool) throws { store(.bool(value)) }
  func encode(_ value: String) throws { store(.string(value)) }
  func encode(_ value: Double) throws { store(.double(value)) }
  func encode(_ value: Float) throws { store(.float(value)) }
  func encode(_ value: Int) throws { store(.signed(Int64(value), .int64)) }
  func encode(_ value: Int8) throws { store(.signed(Int64(value), .int8)) }
  func encode(_ value: Int16) throws { store(.signed(Int64(value), .int16)) }
  func encode(_ value: Int32) throws { store(.signed(Int64(value), .int32)) }
  func encode(_ value: Int64) throws { store(.signed(value, .int64)) }
  func encode(_ value: UInt) throws { store(.unsigned(UInt64(value), .uint64)) }
  func encode(_ value: UInt8) throws { store(.unsigned(UInt64(value), .uint8)) }
  func encode(_ value: UInt16) throws { store(.unsigned(UInt64(value), .uint16)) }
  func encode(_ value: UInt32) throws { store(.unsigned(UInt64(value), .uint32)) }
  func encode(_ value: UInt64) throws { store(.unsigned(value, .uint64)) }
  func encode<T: Encodable>(_ value: T) throws {
    store(try Self.cell(of: value, property: property, row: row))
  }
}

/// A container for shapes a row cannot have: its first use throws, naming the property.
struct RefusingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol,
  UnkeyedEncodingContainer, SingleValueEncodingContainer
{
  let problem: String
  var codingPath: [any CodingKey] { [] }
  var count: Int { 0 }

  func refuse() -> TableError { TableError(.invalidArgument, problem) }

  mutating func encodeNil(forKey key: Key) throws { throw refuse() }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { throw refuse() }
  mutating func encodeNil() throws { throw refuse() }
  mutating func encode<T: Encodable>(_ value: T) throws { throw refuse() }
  func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    KeyedEncodingContainer(RefusingContainer<NestedKey>(problem: problem))
  }
  func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    KeyedEncodingContainer(RefusingContainer<NestedKey>(problem: problem))
  }
  func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { self }
  func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
  func superEncoder() -> any Encoder { RowCellEncoder(rowDescription: problem) }
  func superEncoder(forKey key: Key) -> any Encoder { RowCellEncoder(rowDescription: problem) }
}

/// The key type of a `RefusingContainer` used as an unkeyed or single-value container.
struct RefusedKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}
