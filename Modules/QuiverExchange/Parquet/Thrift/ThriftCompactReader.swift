/// Reads Thrift compact-protocol values (the encoding of Parquet's footer and page headers)
/// from a byte array, checking every length against the bytes that remain.
///
/// Structures are read field by field: `readFields` calls its body with each field's id and
/// type, and the body reads the value with the typed `read…` methods or leaves it to `skip`.
struct ThriftCompactReader {
  /// The bytes being read (shared, not copied).
  let bytes: [UInt8]
  /// The next byte to read.
  private(set) var position: Int
  /// One past the last byte this reader may read.
  let end: Int
  /// The file and place, named in errors.
  let context: String
  private var depth = 0

  /// A reader of `bytes[start..<end]`.
  init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, context: String) {
    self.bytes = bytes
    self.position = start
    self.end = end ?? bytes.count
    self.context = context
  }

  func corrupt(_ problem: String) -> ExchangeError {
    ExchangeError(.corruptFile, "\(context): \(problem)")
  }

  mutating func readByte() throws -> UInt8 {
    guard position < end else { throw corrupt("Thrift structure runs past its end") }
    defer { position += 1 }
    return bytes[position]
  }

  /// An unsigned LEB128 varint of at most 10 bytes.
  mutating func readVarint() throws -> UInt64 {
    var cursor = position
    defer { position = cursor }
    let end = end
    do {
      return try bytes.withUnsafeBytes { raw throws(Varint.Problem) in
        try Varint.read(raw, at: &cursor, end: end)
      }
    } catch { throw corrupt("a Thrift varint \(error)") }
  }

  /// A zigzag varint as `Int64`.
  mutating func readI64() throws -> Int64 { Varint.zigzag(try readVarint()) }

  /// A zigzag varint that must fit `Int32`.
  mutating func readI32() throws -> Int32 {
    let value = try readI64()
    guard let narrow = Int32(exactly: value) else { throw corrupt("i32 value \(value) out of range") }
    return narrow
  }

  /// A length-prefixed byte string.
  mutating func readBinary() throws -> [UInt8] {
    let length = try readVarint()
    guard length <= UInt64(end - position) else {
      throw corrupt("a Thrift string of \(length) bytes runs past its end")
    }
    defer { position += Int(length) }
    return Array(bytes[position..<(position + Int(length))])
  }

  /// A length-prefixed UTF-8 string.
  mutating func readString() throws -> String {
    String(decoding: try readBinary(), as: UTF8.self)
  }

  /// A boolean field value, which the compact protocol keeps in the field's type code.
  func readBool(_ type: ThriftType) throws -> Bool {
    switch type {
    case .booleanTrue: return true
    case .booleanFalse: return false
    default: throw corrupt("a boolean field has type code \(type.rawValue)")
    }
  }

  /// A list header: the element count (checked against the bytes left) and element type.
  mutating func readListHeader() throws -> (count: Int, elementType: ThriftType) {
    let header = try readByte()
    guard let elementType = ThriftType(rawValue: header & 0x0F) else {
      throw corrupt("unknown Thrift list element type \(header & 0x0F)")
    }
    var count = UInt64(header >> 4)
    if count == 15 { count = try readVarint() }
    // Every element takes at least one byte.
    guard count <= UInt64(end - position) else {
      throw corrupt("a Thrift list of \(count) elements runs past its end")
    }
    return (Int(count), elementType)
  }

  /// Reads the fields of a structure up to its stop byte, calling `body` with each field's id
  /// and type; `body` reads the value or calls `skip(_:)`.
  mutating func readFields(
    _ body: (inout ThriftCompactReader, Int16, ThriftType) throws -> Void
  ) throws {
    depth += 1
    defer { depth -= 1 }
    guard depth <= 64 else { throw corrupt("Thrift structures nested more than 64 deep") }
    var lastField: Int16 = 0
    while true {
      let header = try readByte()
      guard let type = ThriftType(rawValue: header & 0x0F) else {
        throw corrupt("unknown Thrift field type \(header & 0x0F)")
      }
      if type == .stop { return }
      let delta = Int16(header >> 4)
      let id: Int16
      if delta == 0 {
        let raw = try readI64()
        guard let narrow = Int16(exactly: raw) else { throw corrupt("field id \(raw) out of range") }
        id = narrow
      } else {
        id = lastField &+ delta
      }
      lastField = id
      try body(&self, id, type)
    }
  }

  /// Reads the fields of a structure into `value`: an i32 field `i32` lists by id, or a boolean
  /// field `booleans` lists, is stored at its key path; any other field is skipped.
  mutating func readFields<Value>(
    into value: inout Value, i32: [Int16: WritableKeyPath<Value, Int32>],
    booleans: [Int16: WritableKeyPath<Value, Bool>] = [:]
  ) throws {
    try readFields { reader, id, type in
      if type == .i32, let field = i32[id] {
        value[keyPath: field] = try reader.readI32()
      } else if type == .booleanTrue || type == .booleanFalse, let field = booleans[id] {
        value[keyPath: field] = try reader.readBool(type)
      } else {
        try reader.skip(type)
      }
    }
  }

  /// Reads and discards a value of `type`.
  mutating func skip(_ type: ThriftType) throws {
    switch type {
    case .stop: throw corrupt("a Thrift value has the stop type")
    case .booleanTrue, .booleanFalse: return
    case .byte: _ = try readByte()
    case .i16, .i32, .i64: _ = try readVarint()
    case .double:
      guard end - position >= 8 else { throw corrupt("a Thrift double runs past its end") }
      position += 8
    case .binary:
      let length = try readVarint()
      guard length <= UInt64(end - position) else {
        throw corrupt("a Thrift string of \(length) bytes runs past its end")
      }
      position += Int(length)
    case .list, .set:
      let (count, elementType) = try readListHeader()
      for _ in 0..<count { try skipElement(elementType) }
    case .map:
      let count = try readVarint()
      guard count <= UInt64(end - position) else { throw corrupt("a Thrift map runs past its end") }
      if count > 0 {
        let types = try readByte()
        guard let key = ThriftType(rawValue: types >> 4),
          let value = ThriftType(rawValue: types & 0x0F)
        else { throw corrupt("unknown Thrift map types \(types)") }
        for _ in 0..<count {
          try skipElement(key)
          try skipElement(value)
        }
      }
    case .structure:
      try readFields { reader, _, fieldType in try reader.skip(fieldType) }
    }
  }

  /// Skips a list, set or map element: booleans there take one byte.
  private mutating func skipElement(_ type: ThriftType) throws {
    if type == .booleanTrue || type == .booleanFalse {
      _ = try readByte()
    } else {
      try skip(type)
    }
  }

  /// Reads a list of `i32` values (encodings, for example).
  mutating func readI32List() throws -> [Int32] {
    let (count, elementType) = try readListHeader()
    guard elementType == .i32 || count == 0 else { throw corrupt("expected a list of i32") }
    return try (0..<count).map { _ in try readI32() }
  }

  /// Reads a list of strings.
  mutating func readStringList() throws -> [String] {
    let (count, elementType) = try readListHeader()
    guard elementType == .binary || count == 0 else { throw corrupt("expected a list of strings") }
    return try (0..<count).map { _ in try readString() }
  }

  /// Reads a list of structures, each with `element`.
  mutating func readStructList<Element>(
    _ element: (inout ThriftCompactReader) throws -> Element
  ) throws -> [Element] {
    let (count, elementType) = try readListHeader()
    guard elementType == .structure || count == 0 else {
      throw corrupt("expected a list of structures")
    }
    var result: [Element] = []
    result.reserveCapacity(count)
    for _ in 0..<count { result.append(try element(&self)) }
    return result
  }
}
