#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The slots of an open-addressing hash table from values to dictionary codes (first-seen order),
/// shared by the two dictionary builders: each slot holds a code and its value's 64-bit hash;
/// linear probing from the hash's home slot; at most half full.
struct DictionarySlots {
  private var hashes: [UInt64]
  private var codes: [Int32]
  private var mask: Int
  /// Bits of a hash dropped before it picks its home slot.
  private let homeShift: UInt64

  init(expected: Int, homeShift: UInt64) {
    var capacity = 64
    while capacity < expected * 2 { capacity <<= 1 }
    hashes = [UInt64](repeating: 0, count: capacity)
    codes = [Int32](repeating: -1, count: capacity)
    mask = capacity - 1
    self.homeShift = homeShift
  }

  @inline(__always) private func home(_ hash: UInt64) -> Int {
    Int(truncatingIfNeeded: hash >> homeShift) & mask
  }

  /// The code of the value with `hash` whose code `isValue` accepts, or nil and the empty slot
  /// where such a value belongs.
  @inline(__always) func find(hash: UInt64, isValue: (Int32) -> Bool) -> (code: Int32?, slot: Int) {
    var slot = home(hash)
    while true {
      let code = codes[slot]
      if code < 0 { return (nil, slot) }
      if hashes[slot] == hash && isValue(code) { return (code, slot) }
      slot = (slot + 1) & mask
    }
  }

  /// Stores `code` for a new value with `hash` in `slot` (empty, from `find`); then, when the
  /// slots are more than half full, doubles them and places every value again by its hash
  /// (`hashes()`, by code).
  @inline(__always) mutating func insert(
    _ code: Int32, hash: UInt64, at slot: Int, hashes allHashes: () -> [UInt64]
  ) {
    codes[slot] = code
    hashes[slot] = hash
    guard (Int(code) + 1) * 2 > codes.count else { return }
    let placed = allHashes()
    let capacity = codes.count * 2
    hashes = [UInt64](repeating: 0, count: capacity)
    codes = [Int32](repeating: -1, count: capacity)
    mask = capacity - 1
    for (code, valueHash) in placed.enumerated() {
      var slot = home(valueHash)
      while codes[slot] >= 0 { slot = (slot + 1) & mask }
      codes[slot] = Int32(code)
      hashes[slot] = valueHash
    }
  }
}

/// Dictionary codes of 64-bit keys (first-seen order), for dictionary encoding of integer
/// pages; much cheaper than `Dictionary` with SipHash.
struct IntegerDictionaryBuilder {
  private var slots: DictionarySlots
  /// Distinct keys in first-seen order.
  private(set) var values: [UInt64] = []

  init(expected: Int) {
    slots = DictionarySlots(expected: expected, homeShift: 29)
  }

  /// `key` times an odd constant: a bijection, so keys with equal hashes are equal.
  @inline(__always) private static func hash(_ key: UInt64) -> UInt64 {
    key &* 0x9E37_79B9_7F4A_7C15
  }

  /// The code of `key`, adding it when new.
  @inline(__always) mutating func code(_ key: UInt64) -> Int {
    let hash = Self.hash(key)
    let found = slots.find(hash: hash) { _ in true }
    if let code = found.code { return Int(code) }
    values.append(key)
    let keys = values
    slots.insert(Int32(keys.count - 1), hash: hash, at: found.slot) { keys.map(Self.hash) }
    return keys.count - 1
  }
}

/// Dictionary codes of byte strings (first-seen order). The strings are views into a buffer that
/// outlives the builder.
struct BytesDictionaryBuilder {
  private var slots: DictionarySlots
  /// Distinct values in first-seen order.
  private(set) var values: [UnsafeRawBufferPointer] = []
  /// Total bytes of the distinct values.
  private(set) var byteCount = 0

  init(expected: Int) {
    slots = DictionarySlots(expected: expected, homeShift: 0)
  }

  @inline(__always) static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
    var index = 0
    while index + 8 <= bytes.count {
      hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
      hash ^= hash >> 32
      index += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while index < bytes.count {
      tail |= UInt64(bytes[index]) << shift
      shift += 8
      index += 1
    }
    hash = (hash ^ tail) &* 0xFF51_AFD7_ED55_8CCD
    return hash ^ (hash >> 29)
  }

  @inline(__always) private static func equal(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
    left.count == right.count && (left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
  }

  /// The code of `bytes`, adding it when new.
  @inline(__always) mutating func code(_ bytes: UnsafeRawBufferPointer) -> Int {
    let hash = Self.hash(bytes)
    let found = slots.find(hash: hash) { Self.equal(values[Int($0)], bytes) }
    if let code = found.code { return Int(code) }
    values.append(bytes)
    byteCount += bytes.count
    let all = values
    slots.insert(Int32(all.count - 1), hash: hash, at: found.slot) { all.map(Self.hash) }
    return all.count - 1
  }
}
