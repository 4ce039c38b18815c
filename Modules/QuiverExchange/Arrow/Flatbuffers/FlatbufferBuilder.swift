/// Builds a flatbuffer front to back from a tree of tables, vectors and strings: each object is
/// written after the one that refers to it, so every offset points forward as the format
/// requires, and each table's vtable sits just before it.
enum FlatbufferBuilder {
  /// A value in a table slot.
  indirect enum Field {
    case int8(Int8)
    case uint8(UInt8)
    case bool(Bool)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    /// An offset to another object.
    case object(Object)

    fileprivate var size: Int {
      switch self {
      case .int8, .uint8, .bool: 1
      case .int16: 2
      case .int32, .object: 4
      case .int64: 8
      }
    }
  }

  /// An object an offset can point to.
  indirect enum Object {
    /// A table: a value (or nil for absent) per slot.
    case table([Field?])
    case string(String)
    case tables([Object])
    /// A vector of structs made of `Int64` fields (Arrow's `FieldNode`, `Buffer`).
    case int64Structs([[Int64]])
    /// A vector of structs given as raw little-endian bytes, `stride` bytes each, aligned to 8.
    case structBytes([UInt8], count: Int)
  }

  /// The flatbuffer whose root is `root` (a table).
  static func build(_ root: Object) -> [UInt8] {
    var buffer: [UInt8] = [0, 0, 0, 0]
    let position = write(root, into: &buffer)
    patch(&buffer, at: 0, UInt32(position))
    pad(&buffer, to: 8)
    return buffer
  }

  private static func pad(_ buffer: inout [UInt8], to alignment: Int) {
    while buffer.count % alignment != 0 { buffer.append(0) }
  }

  private static func patch<T: FixedWidthInteger>(_ buffer: inout [UInt8], at offset: Int, _ value: T) {
    withUnsafeBytes(of: value.littleEndian) { raw in
      for index in 0..<raw.count { buffer[offset + index] = raw[index] }
    }
  }

  private static func append<T: FixedWidthInteger>(_ buffer: inout [UInt8], _ value: T) {
    withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
  }

  /// Writes `object` at the end of `buffer` and returns where it starts.
  @discardableResult
  private static func write(_ object: Object, into buffer: inout [UInt8]) -> Int {
    switch object {
    case .string(let text):
      pad(&buffer, to: 4)
      let start = buffer.count
      append(&buffer, UInt32(text.utf8.count))
      buffer.append(contentsOf: text.utf8)
      buffer.append(0)
      return start
    case .int64Structs(let structs):
      let bytes = structs.flatMap { $0.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } } }
      return write(.structBytes(bytes, count: structs.count), into: &buffer)
    case .structBytes(let bytes, let count):
      // The elements (after the 4-byte count) must be 8-aligned.
      while buffer.count % 8 != 4 { buffer.append(0) }
      let start = buffer.count
      append(&buffer, UInt32(count))
      buffer.append(contentsOf: bytes)
      return start
    case .tables(let elements):
      pad(&buffer, to: 4)
      let start = buffer.count
      append(&buffer, UInt32(elements.count))
      let slots = buffer.count
      buffer.append(contentsOf: repeatElement(0, count: 4 * elements.count))
      for (index, element) in elements.enumerated() {
        let position = write(element, into: &buffer)
        let slot = slots + 4 * index
        patch(&buffer, at: slot, UInt32(position - slot))
      }
      return start
    case .table(let fields):
      // Lay out the inline fields, largest first so each is naturally aligned.
      let order = fields.indices.filter { fields[$0] != nil }
        .sorted { (fields[$0]!.size, -$0) > (fields[$1]!.size, -$1) }
      var offsets = [Int](repeating: 0, count: fields.count)
      var inline = 4
      for slot in order {
        let size = fields[slot]!.size
        inline = (inline + size - 1) / size * size
        offsets[slot] = inline
        inline += size
      }
      // The vtable, then the table at an 8-aligned position.
      pad(&buffer, to: 2)
      let vtable = buffer.count
      append(&buffer, UInt16(4 + 2 * fields.count))
      append(&buffer, UInt16(inline))
      for offset in offsets { append(&buffer, UInt16(offset)) }
      pad(&buffer, to: 8)
      let table = buffer.count
      buffer.append(contentsOf: repeatElement(0, count: inline))
      patch(&buffer, at: table, Int32(table - vtable))
      var children: [(Int, Object)] = []
      for slot in order {
        let at = table + offsets[slot]
        switch fields[slot]! {
        case .int8(let value): patch(&buffer, at: at, value)
        case .uint8(let value): patch(&buffer, at: at, value)
        case .bool(let value): patch(&buffer, at: at, UInt8(value ? 1 : 0))
        case .int16(let value): patch(&buffer, at: at, value)
        case .int32(let value): patch(&buffer, at: at, value)
        case .int64(let value): patch(&buffer, at: at, value)
        case .object(let child): children.append((at, child))
        }
      }
      for (at, child) in children {
        let position = write(child, into: &buffer)
        patch(&buffer, at: at, UInt32(position - at))
      }
      return table
    }
  }
}
