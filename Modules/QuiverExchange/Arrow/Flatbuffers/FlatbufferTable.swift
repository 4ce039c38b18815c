/// A read-only view of one flatbuffer table (the encoding of Arrow IPC metadata), every
/// offset checked against the buffer before it is followed.
///
/// Fields are addressed by slot (their declaration order in the `.fbs` schema, from 0);
/// a field that is absent reads as its default.
struct FlatbufferTable {
  /// The whole flatbuffer (shared, not copied).
  let bytes: [UInt8]
  /// Where the table starts.
  let position: Int
  /// The file and place, named in errors.
  let context: String
  private let vtable: Int
  private let vtableSize: Int

  /// The root table of `bytes`.
  init(root bytes: [UInt8], context: String) throws {
    guard bytes.count >= 4 else {
      throw ExchangeError(.corruptFile, "\(context): a flatbuffer of \(bytes.count) bytes")
    }
    let root = Int(Self.load(UInt32.self, bytes, at: 0))
    try self.init(bytes, at: root, context: context)
  }

  private init(_ bytes: [UInt8], at position: Int, context: String) throws {
    self.bytes = bytes
    self.position = position
    self.context = context
    guard position >= 0, position <= bytes.count - 4 else {
      throw ExchangeError(.corruptFile, "\(context): a flatbuffer table lies outside its buffer")
    }
    let vtable = position - Int(Self.load(Int32.self, bytes, at: position))
    guard vtable >= 0, vtable <= bytes.count - 4 else {
      throw ExchangeError(.corruptFile, "\(context): a flatbuffer vtable lies outside its buffer")
    }
    let vtableSize = Int(Self.load(UInt16.self, bytes, at: vtable))
    guard vtableSize >= 4, vtableSize % 2 == 0, vtable + vtableSize <= bytes.count else {
      throw ExchangeError(.corruptFile, "\(context): a flatbuffer vtable is malformed")
    }
    self.vtable = vtable
    self.vtableSize = vtableSize
  }

  private static func load<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
    bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
  }

  private func corrupt(_ what: String) -> ExchangeError {
    ExchangeError(.corruptFile, "\(context): \(what) lies outside the flatbuffer")
  }

  /// The absolute position of slot `slot`'s value, or nil when the field is absent.
  private func fieldPosition(_ slot: Int, size: Int) throws -> Int? {
    let entry = 4 + 2 * slot
    guard entry + 2 <= vtableSize else { return nil }
    let offset = Int(Self.load(UInt16.self, bytes, at: vtable + entry))
    guard offset != 0 else { return nil }
    let field = position + offset
    guard field + size <= bytes.count else { throw corrupt("field \(slot)") }
    return field
  }

  /// An integer field, or `defaultValue` when absent.
  func integer<T: FixedWidthInteger>(_ slot: Int, _ type: T.Type, default defaultValue: T = 0) throws -> T {
    guard let field = try fieldPosition(slot, size: MemoryLayout<T>.size) else { return defaultValue }
    return Self.load(T.self, bytes, at: field)
  }

  /// A boolean field, or `defaultValue` when absent.
  func bool(_ slot: Int, default defaultValue: Bool = false) throws -> Bool {
    try integer(slot, UInt8.self, default: defaultValue ? 1 : 0) != 0
  }

  /// The position an offset field points to, or nil when absent.
  private func target(_ slot: Int) throws -> Int? {
    guard let field = try fieldPosition(slot, size: 4) else { return nil }
    let target = field + Int(Self.load(UInt32.self, bytes, at: field))
    guard target <= bytes.count - 4 else { throw corrupt("the target of field \(slot)") }
    return target
  }

  /// A sub-table field, or nil when absent.
  func table(_ slot: Int) throws -> FlatbufferTable? {
    guard let target = try target(slot) else { return nil }
    return try FlatbufferTable(bytes, at: target, context: context)
  }

  /// A string field, or nil when absent.
  func string(_ slot: Int) throws -> String? {
    guard let target = try target(slot) else { return nil }
    let length = Int(Self.load(UInt32.self, bytes, at: target))
    guard length <= bytes.count - target - 4 else { throw corrupt("string field \(slot)") }
    return String(decoding: bytes[(target + 4)..<(target + 4 + length)], as: UTF8.self)
  }

  /// A vector field: the position of its first element and its element count (0 when absent).
  /// - Parameter elementSize: bytes per element, to check that the vector fits.
  func vector(_ slot: Int, elementSize: Int) throws -> (start: Int, count: Int) {
    guard let target = try target(slot) else { return (0, 0) }
    let count = Int(Self.load(UInt32.self, bytes, at: target))
    guard count <= (bytes.count - target - 4) / max(elementSize, 1) else {
      throw corrupt("vector field \(slot)")
    }
    return (target + 4, count)
  }

  /// A vector-of-tables field.
  func tables(_ slot: Int) throws -> [FlatbufferTable] {
    let (start, count) = try vector(slot, elementSize: 4)
    return try (0..<count).map { index in
      let element = start + 4 * index
      return try FlatbufferTable(
        bytes, at: element + Int(Self.load(UInt32.self, bytes, at: element)), context: context)
    }
  }

  /// Element `index` of a vector of fixed-size structs of `Int64` fields, as its fields.
  func int64Struct(at start: Int, index: Int, fields: Int) -> [Int64] {
    (0..<fields).map { Self.load(Int64.self, bytes, at: start + (index * fields + $0) * 8) }
  }
}
