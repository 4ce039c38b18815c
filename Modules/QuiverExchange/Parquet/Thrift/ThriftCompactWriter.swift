/// Writes Thrift compact-protocol values: the encoding of Parquet's footer and page headers.
///
/// Fields must be written in increasing id order within a structure, between
/// `beginStructure(id:)` / `endStructure()` (or at the top level, ended by `endStructure()`).
struct ThriftCompactWriter {
  /// The bytes written so far.
  private(set) var bytes: [UInt8] = []
  private var lastField: Int16 = 0
  private var enclosingLastFields: [Int16] = []

  mutating func writeVarint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  private mutating func writeZigzag(_ value: Int64) {
    writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
  }

  private mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
    let delta = id - lastField
    if delta > 0 && delta <= 15 {
      bytes.append(UInt8(delta) << 4 | type.rawValue)
    } else {
      bytes.append(type.rawValue)
      writeZigzag(Int64(id))
    }
    lastField = id
  }

  /// An `i32` field.
  mutating func i32(_ id: Int16, _ value: Int32) {
    fieldHeader(id, .i32)
    writeZigzag(Int64(value))
  }

  /// An `i64` field.
  mutating func i64(_ id: Int16, _ value: Int64) {
    fieldHeader(id, .i64)
    writeZigzag(value)
  }

  /// An `i8` (byte) field.
  mutating func byteField(_ id: Int16, _ value: UInt8) {
    fieldHeader(id, .byte)
    bytes.append(value)
  }

  /// A `bool` field.
  mutating func bool(_ id: Int16, _ value: Bool) {
    fieldHeader(id, value ? .booleanTrue : .booleanFalse)
  }

  /// A `binary` field.
  mutating func binary(_ id: Int16, _ value: [UInt8]) {
    fieldHeader(id, .binary)
    writeVarint(UInt64(value.count))
    bytes.append(contentsOf: value)
  }

  /// A `string` field.
  mutating func string(_ id: Int16, _ value: String) { binary(id, Array(value.utf8)) }

  /// A list header of a list field.
  mutating func listHeader(_ id: Int16, elementType: ThriftType, count: Int) {
    fieldHeader(id, .list)
    listHeader(elementType: elementType, count: count)
  }

  /// A list header without a field (for nested lists).
  mutating func listHeader(elementType: ThriftType, count: Int) {
    if count < 15 {
      bytes.append(UInt8(count) << 4 | elementType.rawValue)
    } else {
      bytes.append(0xF0 | elementType.rawValue)
      writeVarint(UInt64(count))
    }
  }

  /// A list of `i32` values as a field.
  mutating func i32List(_ id: Int16, _ values: [Int32]) {
    listHeader(id, elementType: .i32, count: values.count)
    for value in values { writeZigzag(Int64(value)) }
  }

  /// A list of strings as a field.
  mutating func stringList(_ id: Int16, _ values: [String]) {
    listHeader(id, elementType: .binary, count: values.count)
    for value in values {
      writeVarint(UInt64(value.utf8.count))
      bytes.append(contentsOf: value.utf8)
    }
  }

  /// Starts a structure-typed field.
  mutating func beginStructure(_ id: Int16) {
    fieldHeader(id, .structure)
    beginListElementStructure()
  }

  /// Starts a structure that is a list element (no field header).
  mutating func beginListElementStructure() {
    enclosingLastFields.append(lastField)
    lastField = 0
  }

  /// Ends the current structure (writes its stop byte).
  mutating func endStructure() {
    bytes.append(ThriftType.stop.rawValue)
    lastField = enclosingLastFields.popLast() ?? 0
  }
}
