import QuiverKernels
import QuiverTestSupport
import Testing

@testable import QuiverObjectStore

/// The in-memory layer of the S3 cache: its byte budget and its use order.
struct LeastRecentlyUsedChunksTests {
  func part(_ index: Int, of object: String = "a") -> S3CachedPart {
    S3CachedPart(object: object, index: index)
  }

  @Test func theLeastRecentlyUsedChunkGoesFirst() {
    var chunks = LeastRecentlyUsedChunks(budgetBytes: 10)
    chunks.insert([1, 1, 1, 1], as: part(1))
    chunks.insert([2, 2, 2, 2], as: part(2))
    #expect(chunks.bytes(of: part(1)) == [1, 1, 1, 1])  // 1 is now newer than 2
    chunks.insert([3, 3, 3, 3], as: part(3))
    #expect(chunks.bytes(of: part(2)) == nil)
    #expect(chunks.contains(part(1)) && chunks.contains(part(3)))
    #expect(chunks.bytesHeld == 8)
    #expect(chunks.count == 2)
  }

  @Test func bytesLargerThanTheBudgetAreNotHeldAndReplaceNothingStale() {
    var chunks = LeastRecentlyUsedChunks(budgetBytes: 4)
    chunks.insert([9, 9], as: part(0))
    chunks.insert([1, 2, 3, 4, 5], as: part(0))
    #expect(chunks.bytes(of: part(0)) == nil)
    #expect(chunks.bytesHeld == 0)
    var none = LeastRecentlyUsedChunks(budgetBytes: 0)
    none.insert([1], as: part(0))
    #expect(none.count == 0)
  }

  @Test func removingAnObjectDropsAllItsParts() {
    var chunks = LeastRecentlyUsedChunks(budgetBytes: 100)
    for index in [S3CachedPart.sizeIndex, 0, 1] { chunks.insert([7], as: part(index)) }
    chunks.insert([8], as: part(0, of: "b"))
    chunks.removeAll(object: "a")
    #expect(chunks.count == 1)
    #expect(chunks.bytes(of: part(0, of: "b")) == [8])
    #expect(chunks.bytesHeld == 1)
  }

  /// Random inserts, reads and removes against a plain list kept in use order.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func randomUseMatchesAReferenceList(seed: UInt64) {
    var random = SeededGenerator(seed: seed)
    let budget = 64
    var chunks = LeastRecentlyUsedChunks(budgetBytes: budget)
    var reference: [(part: S3CachedPart, bytes: [UInt8])] = []  // oldest first
    for step in 0..<2_000 {
      let part = part(Int.random(in: 0..<12, using: &random))
      switch Int.random(in: 0..<10, using: &random) {
      case 0..<5:
        let bytes = [UInt8](repeating: UInt8(step % 256), count: Int.random(in: 0...24, using: &random))
        chunks.insert(bytes, as: part)
        reference.removeAll { $0.part == part }
        if bytes.count <= budget {
          while reference.map(\.bytes.count).reduce(0, +) + bytes.count > budget {
            reference.removeFirst()
          }
          reference.append((part, bytes))
        }
      case 5..<9:
        let found = reference.firstIndex { $0.part == part }
        #expect(chunks.bytes(of: part) == found.map { reference[$0].bytes })
        if let found { reference.append(reference.remove(at: found)) }
      default:
        chunks.remove(part)
        reference.removeAll { $0.part == part }
      }
      #expect(chunks.bytesHeld == reference.map(\.bytes.count).reduce(0, +))
      #expect(chunks.bytesHeld <= budget)
      #expect(chunks.count == reference.count)
    }
  }
}
