#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Open-addressing hash table from 64-bit keys to dictionary codes (first-seen order), for
/// dictionary encoding of integer pages; much cheaper than `Dictionary` with SipHash.
struct IntegerDictionaryBuilder {
  private var keys: [UInt64]
  private var codes: [Int32]
  private var mask: Int
  /// Distinct keys in first-seen order.
  private(set) var values: [UInt64] = []

  init(expected: Int) {
    var capacity = 64
    while capacity < expected * 2 { capacity <<= 1 }
    keys = [UInt64](repeating: 0, count: capacity)
    codes = [Int32](repeating: -1, count: capacity)
    mask = capacity - 1
  }

  @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
  }

  /// The code of `key`, adding it when new.
  @inline(__always) mutating func code(_ key: UInt64) -> Int {
    var slot = Self.slot(key, mask)
    while true {
      let code = codes[slot]
      if code < 0 {
        codes[slot] = Int32(values.count)
        keys[slot] = key
        values.append(key)
        if values.count * 2 > codes.count { grow() }
        return values.count - 1
      }
      if keys[slot] == key { return Int(code) }
      slot = (slot + 1) & mask
    }
  }

  private mutating func grow() {
    let capacity = codes.count * 2
    keys = [UInt64](repeating: 0, count: capacity)
    codes = [Int32](repeating: -1, count: capacity)
    mask = capacity - 1
    for (code, key) in values.enumerated() {
      var slot = Self.slot(key, mask)
      while codes[slot] >= 0 { slot = (slot + 1) & mask }
      codes[slot] = Int32(code)
      keys[slot] = key
    }
  }
}

/// Open-addressing hash table from byte strings to dictionary codes (first-seen order). The
/// strings are views into a buffer that outlives the builder.
struct BytesDictionaryBuilder {
  private var hashes: [UInt64]
  private var codes: [Int32]
  private var mask: Int
  /// Distinct values in first-seen order.
  private(set) var values: [UnsafeRawBufferPointer] = []
  /// Total bytes of the distinct values.
  private(set) var byteCount = 0

  init(expected: Int) {
    var capacity = 64
    while capacity < expected * 2 { capacity <<= 1 }
    hashes = [UInt64](repeating: 0, count: capacity)
    codes = [Int32](repeating: -1, count: capacity)
    mask = capacity - 1
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
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let code = codes[slot]
      if code < 0 {
        codes[slot] = Int32(values.count)
        hashes[slot] = hash
        values.append(bytes)
        byteCount += bytes.count
        if values.count * 2 > codes.count { grow() }
        return values.count - 1
      }
      if hashes[slot] == hash && Self.equal(values[Int(code)], bytes) { return Int(code) }
      slot = (slot + 1) & mask
    }
  }

  private mutating func grow() {
    let capacity = codes.count * 2
    hashes = [UInt64](repeating: 0, count: capacity)
    codes = [Int32](repeating: -1, count: capacity)
    mask = capacity - 1
    for (code, value) in values.enumerated() {
      let hash = Self.hash(value)
      var slot = Int(truncatingIfNeeded: hash) & mask
      while codes[slot] >= 0 { slot = (slot + 1) & mask }
      codes[slot] = Int32(code)
      hashes[slot] = hash
    }
  }
}
