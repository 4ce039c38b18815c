import Dispatch
import Testing

@testable import QuiverObjectStore

/// `S3ChunkFetches` without a server: which chunks a reader fetches, which it waits for, and
/// which gaps one GET bridges.
struct S3ChunkFetchesTests {
  @Test func missingChunksJoinAcrossGapsNobodyHoldsOrFetches() {
    let fetches = S3ChunkFetches()
    let claim = fetches.claim([0, 2, 5, 9, 10], of: "a", bridgingGapsUpTo: 2) { _ in false }
    // 0 and 2: one chunk between; 2 and 5: two; 5 and 9: three, more than the gap.
    #expect(claim.runs == [0...5, 9...10])
    #expect(claim.awaited.isEmpty)
    let none = fetches.claim([1, 3], of: "a", bridgingGapsUpTo: 2) { _ in false }
    #expect(none.runs.isEmpty)  // being fetched as the gap of the first claim
    #expect(none.awaited == [1, 3])
    let other = fetches.claim([1, 3], of: "b", bridgingGapsUpTo: 2) { _ in false }
    #expect(other.runs == [1...3])  // another object's chunks are its own
    #expect(other.awaited.isEmpty)
  }

  @Test func aGapWithAHeldOrFetchedChunkIsNotBridged() {
    let fetches = S3ChunkFetches()
    let held = fetches.claim([0, 2], of: "a", bridgingGapsUpTo: 4) { $0 == 1 }
    #expect(held.runs == [0...0, 2...2])
    fetches.release(held.runs, of: "a")
    let first = fetches.claim([5], of: "a", bridgingGapsUpTo: 0) { _ in false }
    let second = fetches.claim([4, 6], of: "a", bridgingGapsUpTo: 4) { _ in false }
    #expect(first.runs == [5...5])
    #expect(second.runs == [4...4, 6...6])
    let noGap = fetches.claim([10, 12], of: "a", bridgingGapsUpTo: 0) { _ in false }
    #expect(noGap.runs == [10...10, 12...12])
  }

  @Test func aWaiterGoesOnWhenTheFetchIsReleased() {
    let fetches = S3ChunkFetches()
    let claim = fetches.claim([3, 4], of: "a", bridgingGapsUpTo: 0) { _ in false }
    let order = S3RequestCounter()
    let waited = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      fetches.waitUntilFetched([4], of: "a")
      order.increment(order.byKind["released"] == 1 ? "after" : "before")
      waited.signal()
    }
    #expect(waited.wait(timeout: .now() + 0.2) == .timedOut)
    order.increment("released")
    fetches.release(claim.runs, of: "a")
    #expect(waited.wait(timeout: .now() + 10) == .success)
    #expect(order.byKind == ["released": 1, "after": 1])
    fetches.waitUntilFetched([3, 4], of: "a")  // nothing in flight: returns at once
    #expect(fetches.claim([3], of: "a", bridgingGapsUpTo: 0) { _ in false }.runs == [3...3])
  }
}
