import Foundation
import QuiverFormat
import QuiverTable

/// Turns `Encodable` values into a `RecordBatch`, one column per stored property: the inverse of
/// `RecordBatch.rows(as:)`.
///
/// Property types: `Bool`; `Int`, `Int8` … `UInt64`; `Float16`, `Float`, `Double`; `String`;
/// `Data` (binary); `Date` (timestamp, microseconds); vectors as `[Float]`, `[Float16]` or
/// `[UInt8]`; each optionally `Optional` (a nullable column). Nested types and other arrays are
/// refused, naming the property.
enum RowEncoder {
  /// The rows as columns of `schema` (the table's): every field must be a property and every
  /// property a field.
  /// - Throws: `TableError.schemaMismatch` naming a missing or extra column or a value that does
  ///   not fit its column; `TableError.invalidArgument` for a property type that cannot be
  ///   stored.
  static func batch<Row: Encodable>(_ rows: [Row], schema: Schema) throws -> RecordBatch {
    let encoded = try encodeAll(rows)
    for property in encoded.properties where schema.field(named: property) == nil {
      throw TableError(
        .schemaMismatch,
        "\(Row.self) has a property '\(property)' that is not a column of the table "
          + "(columns: \(schema.names.joined(separator: ", ")))")
    }
    var columns: [Column] = []
    for field in schema.fields {
      guard encoded.properties.contains(field.name) else {
        throw TableError(
          .schemaMismatch, "\(Row.self) has no property for the column '\(field.name)'")
      }
      columns.append(try column(field, cells: encoded.cells(of: field.name)))
    }
    do {
      return try RecordBatch(schema: schema, columns: columns)
    } catch let error as FormatError {
      throw TableError(.schemaMismatch, "\(Row.self): \(error.message)", underlying: error)
    }
  }

  /// The rows as a batch whose schema is inferred from `Row`: property order, types from the
  /// first non-nil value (or, for an optional that is always nil, from its Swift type),
  /// nullable when the property is optional.
  /// - Throws: `TableError.invalidArgument` for no rows, an optional vector whose every value is
  ///   nil (its dimension is unknown), or a property type that cannot be stored.
  static func batch<Row: Encodable>(_ rows: [Row]) throws -> RecordBatch {
    guard !rows.isEmpty else {
      throw TableError(
        .invalidArgument, "no rows of \(Row.self) to infer a schema from; pass a schema instead")
    }
    let encoded = try encodeAll(rows)
    var fields: [Field] = []
    for property in encoded.properties {
      let cells = encoded.cells(of: property)
      guard let type = cells.lazy.compactMap(\.dataType).first ?? encoded.declaredTypes[property]
      else {
        throw TableError(
          .invalidArgument,
          "every value of \(Row.self).\(property) is nil, so its column type is unknown")
      }
      fields.append(
        Field(property, type, nullable: encoded.optional.contains(property)))
    }
    return try batch(rows, schema: try Schema(fields))
  }

  /// Every row's cells by property, and the properties in first-seen order.
  private static func encodeAll<Row: Encodable>(_ rows: [Row]) throws -> EncodedRows {
    var result = EncodedRows()
    for (index, row) in rows.enumerated() {
      let encoder = RowCellEncoder(rowDescription: "row \(index) (\(Row.self))")
      try row.encode(to: encoder)
      for (property, _) in encoder.storage.cells where !result.seen.contains(property) {
        result.seen.insert(property)
        result.properties.append(property)
      }
      for property in encoder.storage.optional where !result.seen.contains(property) {
        result.seen.insert(property)
        result.properties.append(property)
      }
      result.optional.formUnion(encoder.storage.optional)
      result.declaredTypes.merge(encoder.storage.declaredTypes) { first, _ in first }
      result.rows.append(Dictionary(encoder.storage.cells, uniquingKeysWith: { $1 }))
    }
    return result
  }

  /// One column of `field`'s type from the cells of its rows.
  private static func column(_ field: Field, cells: [EncodedCell]) throws -> Column {
    func mismatch(_ row: Int, _ cell: EncodedCell) -> TableError {
      TableError(
        .schemaMismatch,
        "row \(row): \(cell) does not fit column '\(field.name)' (\(field.type))")
    }
    func values<T>(_ convert: (EncodedCell) -> T?) throws -> [T?] {
      try cells.enumerated().map { row, cell in
        if case .null = cell { return nil }
        guard let value = convert(cell) else { throw mismatch(row, cell) }
        return value
      }
    }
    func integers<T: FixedWidthInteger & FixedWidthColumnElement>(_: T.Type) throws -> Column {
      Column(
        try values { cell -> T? in
          switch cell {
          case .signed(let value, _): T(exactly: value)
          case .unsigned(let value, _): T(exactly: value)
          default: nil
          }
        })
    }
    switch field.type {
    case .bool:
      return Column(try values { if case .bool(let value) = $0 { value } else { nil } })
    case .int8: return try integers(Int8.self)
    case .int16: return try integers(Int16.self)
    case .int32: return try integers(Int32.self)
    case .int64: return try integers(Int64.self)
    case .uint8: return try integers(UInt8.self)
    case .uint16: return try integers(UInt16.self)
    case .uint32: return try integers(UInt32.self)
    case .uint64: return try integers(UInt64.self)
    case .float16:
      return Column(
        float16Bits: try values { if case .half(let bits) = $0 { bits } else { nil } })
    case .float32:
      return Column(
        try values { cell -> Float? in
          switch cell {
          case .float(let value): value
          case .half(let bits): HalfPrecision.float(fromBits: bits)
          default: nil
          }
        })
    case .float64:
      return Column(
        try values { cell -> Double? in
          switch cell {
          case .double(let value): value
          case .float(let value): Double(value)
          case .half(let bits): Double(HalfPrecision.float(fromBits: bits))
          default: nil
          }
        })
    case .utf8:
      return Column(try values { if case .string(let value) = $0 { value } else { nil } })
    case .binary:
      return Column(binary: try values { if case .binary(let value) = $0 { value } else { nil } })
    case .timestamp:
      return Column(
        timestampMicroseconds: try values { cell -> Int64? in
          guard case .date(let date) = cell else { return nil }
          return Int64(exactly: (date.timeIntervalSince1970 * 1_000_000).rounded())
        })
    case .date:
      return Column(
        daysSinceEpoch: try values { cell -> Int32? in
          guard case .date(let date) = cell else { return nil }
          return Int32(exactly: (date.timeIntervalSince1970 / 86_400).rounded(.down))
        })
    case .fixedSizeList(let element, let dimension):
      func vectors<T>(_ convert: (EncodedCell) -> [T]?) throws -> [[T]?] {
        try values { cell -> [T]? in
          guard let vector = convert(cell), vector.count == dimension else { return nil }
          return vector
        }
      }
      switch element {
      case .float32:
        return try Column(
          vectors: vectors { if case .floatVector(let value) = $0 { value } else { nil } },
          dimension: dimension)
      case .float16:
        return try Column(
          float16Vectors: vectors {
            if case .halfVector(let bits) = $0 { bits } else { nil }
          }, dimension: dimension)
      case .uint8:
        return try Column(
          byteVectors: vectors { if case .byteVector(let value) = $0 { value } else { nil } },
          dimension: dimension)
      }
    }
  }
}

/// The encoded rows: cells by property, in first-seen property order.
private struct EncodedRows {
  var properties: [String] = []
  var seen: Set<String> = []
  var optional: Set<String> = []
  var declaredTypes: [String: DataType] = [:]
  var rows: [[String: EncodedCell]] = []

  /// The cells of one property, `.null` where a row left it out.
  func cells(of property: String) -> [EncodedCell] { rows.map { $0[property] ?? .null } }
}
