import Foundation

/// The chunks of an `S3ObjectCache` being fetched from the server right now, so that readers
/// missing the same chunk at the same time send one GET for it: the first claims it and fetches
/// it, the others wait for it and then find it in the cache.
///
/// `@unchecked Sendable`: `fetching` is only touched under `condition`.
final class S3ChunkFetches: @unchecked Sendable {
  /// The chunks one reader fetches, and the ones it waits for.
  struct Claim {
    /// Runs of adjacent chunks (by index) this reader fetches, each by one range GET, in order.
    var runs: [ClosedRange<Int>] = []
    /// Chunks another reader is fetching: wait for them (`waitUntilFetched`), then read them from
    /// the cache.
    var awaited: [Int] = []
  }

  private let condition = NSCondition()
  private var fetching: Set<S3CachedPart> = []

  /// Claims the chunks of `missing` (sorted, distinct indices) that no reader is fetching, and
  /// joins two claimed runs when at most `gap` chunks lie between them and every one of those is
  /// neither fetched by another reader nor `isHeld` (so one GET brings them all, the chunks in
  /// between included). Release the runs (`release`) when their fetch ends, whatever its outcome.
  /// - Complexity: O(`missing.count` + `gap` × runs).
  func claim(
    _ missing: [Int], of object: String, bridgingGapsUpTo gap: Int, isHeld: (Int) -> Bool
  ) -> Claim {
    condition.withLock {
      var claim = Claim()
      for index in missing {
        guard !fetching.contains(S3CachedPart(object: object, index: index)) else {
          claim.awaited.append(index)
          continue
        }
        if let last = claim.runs.last, index == last.upperBound + 1
          || (index - last.upperBound - 1 <= gap
            && (last.upperBound + 1..<index).allSatisfy({ between in
              !fetching.contains(S3CachedPart(object: object, index: between)) && !isHeld(between)
            }))
        {
          claim.runs[claim.runs.count - 1] = last.lowerBound...index
        } else {
          claim.runs.append(index...index)
        }
      }
      for run in claim.runs {
        for index in run { fetching.insert(S3CachedPart(object: object, index: index)) }
      }
      return claim
    }
  }

  /// Ends the fetch of `runs` (claimed by `claim`): readers waiting for them go on.
  func release(_ runs: [ClosedRange<Int>], of object: String) {
    guard !runs.isEmpty else { return }
    condition.withLock {
      for run in runs {
        for index in run { fetching.remove(S3CachedPart(object: object, index: index)) }
      }
      condition.broadcast()
    }
  }

  /// Blocks until no reader is fetching any of the chunks `indices` of `object`.
  func waitUntilFetched(_ indices: [Int], of object: String) {
    guard !indices.isEmpty else { return }
    condition.lock()
    defer { condition.unlock() }
    while indices.contains(where: { fetching.contains(S3CachedPart(object: object, index: $0)) }) {
      condition.wait()
    }
  }
}
