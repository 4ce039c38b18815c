import Testing

@testable import QuiverStorage

@Suite struct LeastRecentlyUsedEntriesTests {
  @Test func dropsTheLeastRecentlyUsedFirst() {
    var entries = LeastRecentlyUsedEntries<String, Int>()
    for (value, key) in ["a", "b", "c"].enumerated() {
      #expect(entries.insert(value, byteCount: 10, for: key, capacityBytes: 30) == value)
    }
    #expect(entries.value(for: "a") == 0)  // "b" is now the least recently used
    #expect(entries.insert(3, byteCount: 10, for: "d", capacityBytes: 30) == 3)
    #expect(["a", "b", "c", "d"].map { entries.value(for: $0) } == [0, nil, 2, 3])
    #expect(entries.count == 3)
    #expect(entries.byteCount == 30)
  }

  @Test func keepsTheNewestEvenWhenItAloneIsOverCapacity() {
    var entries = LeastRecentlyUsedEntries<Int, String>()
    _ = entries.insert("small", byteCount: 5, for: 1, capacityBytes: 20)
    #expect(entries.insert("large", byteCount: 50, for: 2, capacityBytes: 20) == "large")
    #expect([entries.value(for: 1), entries.value(for: 2)] == [nil, "large"])
    #expect((entries.count, entries.byteCount) == (1, 50))
  }

  @Test func aValueAlreadyHeldStays() {
    var entries = LeastRecentlyUsedEntries<Int, String>()
    _ = entries.insert("first", byteCount: 4, for: 7, capacityBytes: 100)
    #expect(entries.insert("second", byteCount: 4, for: 7, capacityBytes: 100) == "first")
    #expect((entries.count, entries.byteCount) == (1, 4))
  }
}
