import QuiverFormat

/// An Arrow field as it appears in IPC schema metadata (Schema.fbs `Field`), limited to the
/// types Quiver reads and writes.
struct ArrowField: Sendable, Hashable {
  /// The logical types of Schema.fbs's `Type` union that Quiver handles, with their parameters.
  enum ArrowType: Sendable, Hashable {
    case integer(bitWidth: Int32, signed: Bool)
    /// 0 half, 1 single, 2 double.
    case floatingPoint(precision: Int16)
    case bool
    case utf8
    case largeUtf8
    case binary
    case largeBinary
    case fixedSizeBinary(byteWidth: Int32)
    /// 0 days, 1 milliseconds.
    case date(unit: Int16)
    /// 0 seconds … 3 nanoseconds.
    case timestamp(unit: Int16, timezone: String?)
    case fixedSizeList(size: Int32)
    case list
    case largeList
    /// Any other type, by its union id.
    case other(UInt8)
  }

  var name: String
  var nullable: Bool
  var type: ArrowType
  var children: [ArrowField]

  // MARK: - Reading

  /// Reads a `Field` table (children at most 16 levels deep).
  static func read(_ table: FlatbufferTable) throws -> ArrowField {
    try read(table, depth: 0)
  }

  private static func read(_ table: FlatbufferTable, depth: Int) throws -> ArrowField {
    guard depth < 16 else {
      throw ExchangeError(.unsupportedFeature, "\(table.context): fields nested more than 16 deep")
    }
    let name = try table.string(0) ?? ""
    let nullable = try table.bool(1)
    let typeID = try table.integer(2, UInt8.self)
    let typeTable = try table.table(3)
    if try table.table(4) != nil {
      throw ExchangeError(
        .unsupportedFeature, "\(table.context): column '\(name)' is dictionary-encoded, which is not supported")
    }
    let children = try table.tables(5).map { try read($0, depth: depth + 1) }
    func integer<T: FixedWidthInteger>(_ slot: Int, _ type: T.Type, default value: T = 0) throws -> T {
      try typeTable?.integer(slot, T.self, default: value) ?? value
    }
    let type: ArrowType
    switch typeID {
    case 2: type = .integer(bitWidth: try integer(0, Int32.self), signed: try typeTable?.bool(1) ?? false)
    case 3: type = .floatingPoint(precision: try integer(0, Int16.self))
    case 4: type = .binary
    case 5: type = .utf8
    case 6: type = .bool
    case 8: type = .date(unit: try integer(0, Int16.self, default: 1))
    case 10: type = .timestamp(unit: try integer(0, Int16.self), timezone: try typeTable?.string(1))
    case 12: type = .list
    case 15: type = .fixedSizeBinary(byteWidth: try integer(0, Int32.self))
    case 16: type = .fixedSizeList(size: try integer(0, Int32.self))
    case 19: type = .largeBinary
    case 20: type = .largeUtf8
    case 21: type = .largeList
    default: type = .other(typeID)
    }
    return ArrowField(name: name, nullable: nullable, type: type, children: children)
  }

  /// The Quiver type of a scalar Arrow type, or nil when Quiver has none.
  var scalarType: DataType? {
    switch type {
    case .integer(8, true): .int8
    case .integer(16, true): .int16
    case .integer(32, true): .int32
    case .integer(64, true): .int64
    case .integer(8, false): .uint8
    case .integer(16, false): .uint16
    case .integer(32, false): .uint32
    case .integer(64, false): .uint64
    case .floatingPoint(0): .float16
    case .floatingPoint(1): .float32
    case .floatingPoint(2): .float64
    case .bool: .bool
    case .utf8, .largeUtf8: .utf8
    case .binary, .largeBinary, .fixedSizeBinary: .binary
    case .date: .date
    case .timestamp: .timestamp
    default: nil
    }
  }

  /// The vector element type of a list's child, or nil when it is not float32, float16 or uint8.
  var vectorElement: VectorElementType? {
    switch type {
    case .floatingPoint(1): .float32
    case .floatingPoint(0): .float16
    case .integer(8, false): .uint8
    default: nil
    }
  }

}

extension ArrowField {
  /// The Arrow field a Quiver field is written as (timestamps as microseconds in UTC, dates as
  /// days, vectors as `FixedSizeList` with a nullable child named `item`, as pyarrow does).
  init(_ field: Field) {
    name = field.name
    nullable = field.nullable
    children = []
    switch field.type {
    case .bool: type = .bool
    case .int8: type = .integer(bitWidth: 8, signed: true)
    case .int16: type = .integer(bitWidth: 16, signed: true)
    case .int32: type = .integer(bitWidth: 32, signed: true)
    case .int64: type = .integer(bitWidth: 64, signed: true)
    case .uint8: type = .integer(bitWidth: 8, signed: false)
    case .uint16: type = .integer(bitWidth: 16, signed: false)
    case .uint32: type = .integer(bitWidth: 32, signed: false)
    case .uint64: type = .integer(bitWidth: 64, signed: false)
    case .float16: type = .floatingPoint(precision: 0)
    case .float32: type = .floatingPoint(precision: 1)
    case .float64: type = .floatingPoint(precision: 2)
    case .utf8: type = .utf8
    case .binary: type = .binary
    case .timestamp: type = .timestamp(unit: 2, timezone: "UTC")
    case .date: type = .date(unit: 0)
    case .fixedSizeList(let element, let dimension):
      type = .fixedSizeList(size: Int32(dimension))
      let elementType: DataType =
        element == .float32 ? .float32 : element == .float16 ? .float16 : .uint8
      children = [ArrowField(Field("item", elementType, nullable: true))]
    }
  }

  /// This field as a `Field` table.
  var flatbuffer: FlatbufferBuilder.Object {
    let (typeID, typeTable): (UInt8, [FlatbufferBuilder.Field?]) =
      switch type {
      case .integer(let bitWidth, let signed): (2, [.int32(bitWidth), .bool(signed)])
      case .floatingPoint(let precision): (3, [.int16(precision)])
      case .binary: (4, [])
      case .utf8: (5, [])
      case .bool: (6, [])
      case .date(let unit): (8, [.int16(unit)])
      case .timestamp(let unit, let timezone): (10, [.int16(unit), timezone.map { .object(.string($0)) }])
      case .list: (12, [])
      case .fixedSizeBinary(let width): (15, [.int32(width)])
      case .fixedSizeList(let size): (16, [.int32(size)])
      case .largeBinary: (19, [])
      case .largeUtf8: (20, [])
      case .largeList: (21, [])
      case .other(let id): (id, [])
      }
    return .table([
      .object(.string(name)), .bool(nullable), .uint8(typeID), .object(.table(typeTable)), nil,
      .object(.tables(children.map(\.flatbuffer))),
    ])
  }
}
