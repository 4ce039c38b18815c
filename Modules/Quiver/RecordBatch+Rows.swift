import Foundation
import QuiverFormat

extension RecordBatch {
  /// The rows decoded into `Row`, a `Decodable` type whose properties are named like the
  /// columns (extra columns are ignored; optional properties take nulls).
  ///
  /// ```swift
  /// struct Hit: Decodable { let item: String; let price: Double?; let _distance: Float }
  /// let hits = try table.search(query).limit(5).execute().rows(as: Hit.self)
  /// ```
  /// Integers convert between widths when the value fits (and from whole floats); numbers
  /// convert to `Float`/`Double`;
  /// timestamps decode as `Date` or as microseconds (`Int64`), dates as `Date` or days
  /// (`Int32`); vectors as `[Float]` (uint8 vectors also as `[UInt8]`).
  /// - Throws: `DecodingError` naming the column and row when a value does not fit.
  public func rows<Row: Decodable>(as type: Row.Type) throws -> [Row] {
    try (0..<rowCount).map { try Row(from: RowDecoder(batch: self, row: $0)) }
  }
}

/// Decodes one row of a batch (a keyed container over its columns).
struct RowDecoder: Decoder {
  let batch: RecordBatch
  let row: Int
  var codingPath: [any CodingKey] = []
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    KeyedDecodingContainer(RowContainer<Key>(batch: batch, row: row))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    throw DecodingError.typeMismatch(
      [Any].self, .init(codingPath: [], debugDescription: "a row decodes as a keyed container"))
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    throw DecodingError.typeMismatch(
      Any.self, .init(codingPath: [], debugDescription: "a row decodes as a keyed container"))
  }
}

struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let batch: RecordBatch
  let row: Int
  var codingPath: [any CodingKey] { [] }
  var allKeys: [Key] { batch.schema.names.compactMap { Key(stringValue: $0) } }

  func contains(_ key: Key) -> Bool { batch[key.stringValue] != nil }

  func cell(_ key: Key) throws -> CellDecoder {
    guard let column = batch[key.stringValue] else {
      throw DecodingError.keyNotFound(
        key,
        .init(
          codingPath: [key],
          debugDescription: "no column '\(key.stringValue)' (columns: \(batch.schema.names.joined(separator: ", ")))"))
    }
    return CellDecoder(value: column[row], codingPath: [key], row: row)
  }

  func decodeNil(forKey key: Key) throws -> Bool { try cell(key).decodeNil() }
  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try cell(key).decode(type) }
  func decode(_ type: String.Type, forKey key: Key) throws -> String { try cell(key).decode(type) }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try cell(key).decode(type) }
  func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try cell(key).decode(type) }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try cell(key).decode(type) }
  func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try cell(key).decode(type) }
  func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try cell(key).decode(type) }
  func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try cell(key).decode(type) }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try cell(key).decode(type) }
  func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try cell(key).decode(type) }
  func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try cell(key).decode(type) }
  func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try cell(key).decode(type) }
  func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try cell(key).decode(type) }
  func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try cell(key).decode(type) }
  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try cell(key).decode(type)
  }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key)
    throws -> KeyedDecodingContainer<NestedKey>
  {
    throw DecodingError.typeMismatch(
      type, .init(codingPath: [key], debugDescription: "columns hold no nested records"))
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try cell(key).unkeyedContainer()
  }

  func superDecoder() throws -> any Decoder { RowDecoder(batch: batch, row: row) }
  func superDecoder(forKey key: Key) throws -> any Decoder { try cell(key) }
}

/// Decodes one cell: a single value, or the elements of a vector.
struct CellDecoder: Decoder, SingleValueDecodingContainer {
  let value: ColumnValue
  var codingPath: [any CodingKey]
  let row: Int
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func mismatch<T>(_ type: T.Type) -> DecodingError {
    DecodingError.typeMismatch(
      type,
      .init(
        codingPath: codingPath,
        debugDescription: "row \(row), column '\(codingPath.last?.stringValue ?? "?")': \(value) does not fit \(type)"))
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    throw mismatch([String: Any].self)
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    switch value {
    case .vector(let elements):
      return VectorContainer(cells: elements.map { .float(Double($0)) }, codingPath: codingPath, row: row)
    case .byteVector(let elements):
      return VectorContainer(cells: elements.map { .uint(UInt64($0)) }, codingPath: codingPath, row: row)
    case .binary(let bytes):
      return VectorContainer(cells: bytes.map { .uint(UInt64($0)) }, codingPath: codingPath, row: row)
    default:
      throw mismatch([Any].self)
    }
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

  func decodeNil() -> Bool { value == .null }

  func decode(_ type: Bool.Type) throws -> Bool {
    guard case .bool(let flag) = value else { throw mismatch(type) }
    return flag
  }

  func decode(_ type: String.Type) throws -> String {
    guard case .string(let text) = value else { throw mismatch(type) }
    return text
  }

  func decode(_ type: Double.Type) throws -> Double {
    switch value {
    case .float(let number): return number
    case .float16Bits(let bits): return Double(HalfPrecision.float(fromBits: bits))
    case .int(let number): return Double(number)
    case .uint(let number): return Double(number)
    default: throw mismatch(type)
    }
  }

  func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

  func number<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
    let converted: T?
    switch value {
    case .int(let number): converted = T(exactly: number)
    case .uint(let number): converted = T(exactly: number)
    case .timestamp(let micros): converted = T(exactly: micros)
    case .date(let days): converted = T(exactly: days)
    case .float(let number): converted = T(exactly: number)
    default: converted = nil
    }
    guard let converted else { throw mismatch(type) }
    return converted
  }
  func decode(_ type: Int.Type) throws -> Int { try number(type) }
  func decode(_ type: Int8.Type) throws -> Int8 { try number(type) }
  func decode(_ type: Int16.Type) throws -> Int16 { try number(type) }
  func decode(_ type: Int32.Type) throws -> Int32 { try number(type) }
  func decode(_ type: Int64.Type) throws -> Int64 { try number(type) }
  func decode(_ type: UInt.Type) throws -> UInt { try number(type) }
  func decode(_ type: UInt8.Type) throws -> UInt8 { try number(type) }
  func decode(_ type: UInt16.Type) throws -> UInt16 { try number(type) }
  func decode(_ type: UInt32.Type) throws -> UInt32 { try number(type) }
  func decode(_ type: UInt64.Type) throws -> UInt64 { try number(type) }

  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    if type == Date.self {
      switch value {
      case .timestamp(let micros):
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000) as! T
      case .date(let days):
        return Date(timeIntervalSince1970: Double(days) * 86_400) as! T
      default: throw mismatch(type)
      }
    }
    if type == [Float].self, case .vector(let elements) = value { return elements as! T }
    if type == [UInt8].self {
      if case .byteVector(let bytes) = value { return bytes as! T }
      if case .binary(let bytes) = value { return bytes as! T }
    }
    return try T(from: self)
  }
}

/// The elements of a vector cell.
struct VectorContainer: UnkeyedDecodingContainer {
  let cells: [ColumnValue]
  var codingPath: [any CodingKey]
  let row: Int
  var currentIndex = 0
  var count: Int? { cells.count }
  var isAtEnd: Bool { currentIndex >= cells.count }

  init(cells: [ColumnValue], codingPath: [any CodingKey], row: Int) {
    self.cells = cells
    self.codingPath = codingPath
    self.row = row
  }

  mutating func nextCell() throws -> CellDecoder {
    guard !isAtEnd else {
      throw DecodingError.valueNotFound(
        Any.self, .init(codingPath: codingPath, debugDescription: "row \(row): the vector has only \(cells.count) elements"))
    }
    defer { currentIndex += 1 }
    return CellDecoder(value: cells[currentIndex], codingPath: codingPath, row: row)
  }

  mutating func decodeNil() throws -> Bool { false }
  mutating func decode(_ type: Bool.Type) throws -> Bool { try nextCell().decode(type) }
  mutating func decode(_ type: String.Type) throws -> String { try nextCell().decode(type) }
  mutating func decode(_ type: Double.Type) throws -> Double { try nextCell().decode(type) }
  mutating func decode(_ type: Float.Type) throws -> Float { try nextCell().decode(type) }
  mutating func decode(_ type: Int.Type) throws -> Int { try nextCell().decode(type) }
  mutating func decode(_ type: Int8.Type) throws -> Int8 { try nextCell().decode(type) }
  mutating func decode(_ type: Int16.Type) throws -> Int16 { try nextCell().decode(type) }
  mutating func decode(_ type: Int32.Type) throws -> Int32 { try nextCell().decode(type) }
  mutating func decode(_ type: Int64.Type) throws -> Int64 { try nextCell().decode(type) }
  mutating func decode(_ type: UInt.Type) throws -> UInt { try nextCell().decode(type) }
  mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try nextCell().decode(type) }
  mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try nextCell().decode(type) }
  mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try nextCell().decode(type) }
  mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try nextCell().decode(type) }
  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try nextCell().decode(type) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "vector elements are numbers"))
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "vector elements are numbers"))
  }

  mutating func superDecoder() throws -> any Decoder { try nextCell() }
}
