/// The logical-type annotations of a schema element that this module interprets (the union
/// `LogicalType` of parquet.thrift, with the deprecated `ConvertedType` folded in).
enum ParquetLogicalType: Sendable, Hashable {
  case string
  case list
  case date
  /// Timestamps in `unitsPerSecond` (1 000, 1 000 000 or 1 000 000 000).
  case timestamp(unitsPerSecond: Int64, adjustedToUTC: Bool)
  case integer(bitWidth: Int, signed: Bool)
  case float16
  /// Any other annotation (decimal, map, JSON, …), by its union field id.
  case other(Int16)

  /// Reads a `LogicalType` union.
  static func read(_ reader: inout ThriftCompactReader) throws -> ParquetLogicalType {
    var result = ParquetLogicalType.other(0)
    try reader.readFields { reader, id, type in
      switch (id, type) {
      case (1, .structure):
        try reader.skip(type)
        result = .string
      case (3, .structure):
        try reader.skip(type)
        result = .list
      case (6, .structure):
        try reader.skip(type)
        result = .date
      case (8, .structure):
        var adjusted = false
        var unitsPerSecond: Int64 = 1_000_000
        try reader.readFields { reader, id, type in
          switch (id, type) {
          case (1, .booleanTrue), (1, .booleanFalse): adjusted = try reader.readBool(type)
          case (2, .structure):
            try reader.readFields { reader, unit, type in
              unitsPerSecond = unit == 1 ? 1_000 : unit == 3 ? 1_000_000_000 : 1_000_000
              try reader.skip(type)
            }
          default: try reader.skip(type)
          }
        }
        result = .timestamp(unitsPerSecond: unitsPerSecond, adjustedToUTC: adjusted)
      case (10, .structure):
        var bitWidth = 32
        var signed = true
        try reader.readFields { reader, id, type in
          switch (id, type) {
          case (1, .byte): bitWidth = Int(Int8(bitPattern: try reader.readByte()))
          case (2, .booleanTrue), (2, .booleanFalse): signed = try reader.readBool(type)
          default: try reader.skip(type)
          }
        }
        result = .integer(bitWidth: bitWidth, signed: signed)
      case (15, .structure):
        try reader.skip(type)
        result = .float16
      default:
        try reader.skip(type)
        result = .other(id)
      }
    }
    return result
  }

  /// The logical type a deprecated `ConvertedType` number stands for, or nil.
  static func converted(_ value: Int32) -> ParquetLogicalType? {
    switch value {
    case 0: .string
    case 3: .list
    case 6: .date
    case 9: .timestamp(unitsPerSecond: 1_000, adjustedToUTC: true)
    case 10: .timestamp(unitsPerSecond: 1_000_000, adjustedToUTC: true)
    case 11: .integer(bitWidth: 8, signed: false)
    case 12: .integer(bitWidth: 16, signed: false)
    case 13: .integer(bitWidth: 32, signed: false)
    case 14: .integer(bitWidth: 64, signed: false)
    case 15: .integer(bitWidth: 8, signed: true)
    case 16: .integer(bitWidth: 16, signed: true)
    case 17: .integer(bitWidth: 32, signed: true)
    case 18: .integer(bitWidth: 64, signed: true)
    default: nil
    }
  }

  /// Writes this annotation as a `LogicalType` union field `id` of the enclosing structure.
  func write(_ id: Int16, to writer: inout ThriftCompactWriter) {
    writer.beginStructure(id)
    switch self {
    case .string: writer.beginStructure(1); writer.endStructure()
    case .list: writer.beginStructure(3); writer.endStructure()
    case .date: writer.beginStructure(6); writer.endStructure()
    case .timestamp(let unitsPerSecond, let adjustedToUTC):
      writer.beginStructure(8)
      writer.bool(1, adjustedToUTC)
      writer.beginStructure(2)
      writer.beginStructure(unitsPerSecond == 1_000 ? 1 : unitsPerSecond == 1_000_000 ? 2 : 3)
      writer.endStructure()
      writer.endStructure()
      writer.endStructure()
    case .integer(let bitWidth, let signed):
      writer.beginStructure(10)
      writer.byteField(1, UInt8(bitWidth))
      writer.bool(2, signed)
      writer.endStructure()
    case .float16: writer.beginStructure(15); writer.endStructure()
    case .other(let field): writer.beginStructure(field); writer.endStructure()
    }
    writer.endStructure()
  }

  /// The deprecated `ConvertedType` number that older readers need beside this annotation.
  var convertedType: Int32? {
    switch self {
    case .string: 0
    case .list: 3
    case .date: 6
    case .timestamp(let unitsPerSecond, _):
      unitsPerSecond == 1_000 ? 9 : unitsPerSecond == 1_000_000 ? 10 : nil
    case .integer(let bitWidth, let signed):
      switch (bitWidth, signed) {
      case (8, false): 11
      case (16, false): 12
      case (32, false): 13
      case (64, false): 14
      case (8, true): 15
      case (16, true): 16
      case (32, true): 17
      case (64, true): 18
      default: nil
      }
    case .float16, .other: nil
    }
  }
}
