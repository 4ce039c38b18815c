import QuiverQuery
import Testing

/// The exact-scan vector cache keeps blocks within its byte budget, least recently used out
/// first, and never keeps what does not fit or failed to load.
@Suite struct VectorColumnCacheTests {
  static func block(_ rows: Int, value: Float) -> FloatVectorBlock {
    FloatVectorBlock(values: [Float](repeating: value, count: rows * 4), dimension: 4)
  }

  @Test func keepsBlocksWithinTheBudgetEvictingTheLeastRecentlyUsed() {
    let cache = VectorColumnCache(capacityBytes: 3 * 64)  // three 4-row blocks of 16 floats
    var loads = 0
    func get(_ key: String, _ value: Float) -> FloatVectorBlock? {
      cache.block(for: key) {
        loads += 1
        return Self.block(4, value: value)
      }
    }
    #expect(get("a", 1)?.rowCount == 4)
    _ = get("b", 2)
    _ = get("c", 3)
    #expect(loads == 3 && cache.byteCount == 192)
    _ = get("a", 9)  // a hit: "b" is now the least recently used
    #expect(loads == 3)
    _ = get("d", 4)  // evicts "b"
    #expect(loads == 4 && cache.byteCount == 192)
    let a = get("a", 9)
    #expect(loads == 4)
    #expect(a?.withUnsafeBufferPointer { $0[0] } == 1)
    _ = get("b", 5)
    #expect(loads == 5)
  }

  @Test func oversizedAndFailedLoadsAreNotKept() {
    let cache = VectorColumnCache(capacityBytes: 64)
    var loads = 0
    for _ in 0..<2 {
      let big = cache.block(for: "big") {
        loads += 1
        return Self.block(8, value: 1)
      }
      #expect(big?.rowCount == 8)
      let missing = cache.block(for: "missing") {
        loads += 1
        return nil
      }
      #expect(missing == nil)
    }
    #expect(loads == 4)
    #expect(cache.byteCount == 0)
  }

  @Test func aBlockThatCannotBeFilledIsNil() {
    let block = FloatVectorBlock(rowCount: 3, dimension: 2) { target in
      target.initialize(repeating: 0)
      return false
    }
    #expect(block == nil)
    let empty = FloatVectorBlock(values: [], dimension: 3)
    #expect(empty.rowCount == 0 && empty.byteCount == 0)
  }
}
