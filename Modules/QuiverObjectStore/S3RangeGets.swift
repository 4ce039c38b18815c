import Foundation
import NIOCore

/// Range GETs of one object with at most a given number in flight: each GET that finishes starts
/// the next one waiting, so independent ranges go out at once without flooding the server.
///
/// `@unchecked Sendable`: `next` and `results` are only touched under `lock`; the rest is `let`.
final class S3RangeGets: @unchecked Sendable {
  private let client: S3Client
  private let key: String
  private let ranges: [Range<Int>]
  private let lock = NSLock()
  private var next = 0
  private var results: [[UInt8]]

  private init(client: S3Client, key: String, ranges: [Range<Int>]) {
    self.client = client
    self.key = key
    self.ranges = ranges
    results = Array(repeating: [], count: ranges.count)
  }

  /// The bytes of each non-empty range of the object at `key`, in the order given, by one range
  /// GET each with at most `limit` in flight; nil when `ranges` is empty.
  static func start(
    _ client: S3Client, key: String, ranges: [Range<Int>], limit: Int
  ) -> EventLoopFuture<[[UInt8]]>? {
    guard !ranges.isEmpty else { return nil }
    let gets = S3RangeGets(client: client, key: key, ranges: ranges)
    // The first ranges are claimed before any GET starts: a GET that ends at once takes the
    // next range itself.
    let laneCount = min(max(1, limit), ranges.count)
    gets.lock.withLock { gets.next = laneCount }
    let lanes = (0..<laneCount).map { gets.run($0) }
    return EventLoopFuture.whenAllSucceed(lanes, on: lanes[0].eventLoop).map { _ in
      gets.lock.withLock { gets.results }
    }
  }

  /// The index of the next range no GET has started for, now claimed, or nil.
  private func take() -> Int? {
    lock.withLock {
      guard next < ranges.count else { return nil }
      next += 1
      return next - 1
    }
  }

  /// GETs range `index`, then the following unclaimed ranges one after another.
  private func run(_ index: Int) -> EventLoopFuture<Void> {
    let get = client.startGet(key, range: ranges[index])
    return get.flatMap { bytes in
      self.lock.withLock { self.results[index] = bytes }
      guard let following = self.take() else { return get.eventLoop.makeSucceededVoidFuture() }
      return self.run(following)
    }
  }
}
