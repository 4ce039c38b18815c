import Foundation
import QuiverStorage

/// A `StorageReader` over bytes in memory that records every range read and every range
/// announced by `prefetch`, so tests can check that readers announce what they then read.
///
/// `@unchecked Sendable`: `reads` and `prefetches` are only touched under `lock`.
public final class RecordingStorageReader: StorageReader, @unchecked Sendable {
  /// The object's bytes.
  public let bytes: [UInt8]
  private let lock = NSLock()
  private var reads: [Range<Int>] = []
  private var prefetches: [[Range<Int>]] = []

  /// A reader of `bytes`.
  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// The object's size.
  public var size: Int { bytes.count }

  /// Every range read so far (`read(at:into:)` and `read(ranges:)`), in order.
  public var rangesRead: [Range<Int>] { lock.withLock { reads } }

  /// The ranges of each `prefetch` call so far, in order.
  public var rangesPrefetched: [[Range<Int>]] { lock.withLock { prefetches } }

  /// Forgets what was recorded.
  public func clear() {
    lock.withLock {
      reads = []
      prefetches = []
    }
  }

  /// Whether every byte read so far lies in a range announced by some `prefetch` call.
  public var everyReadWasPrefetched: Bool {
    let announced = rangesPrefetched.joined()
    return rangesRead.allSatisfy { read in
      read.allSatisfy { byte in announced.contains { $0.contains(byte) } }
    }
  }

  /// Copies the bytes at `offset` into `buffer`, recording the range.
  public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    let range = offset..<(offset + buffer.count)
    guard offset >= 0, range.upperBound <= bytes.count else {
      throw StorageError(.outOfRange, "range \(range) is outside \(bytes.count) bytes")
    }
    lock.withLock { reads.append(range) }
    bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[range])) }
  }

  /// The bytes of each range, recording them.
  public func read(ranges: [Range<Int>]) throws -> [[UInt8]] {
    try ranges.map { try read(at: $0.lowerBound, count: $0.count) }
  }

  /// Records the announced ranges.
  public func prefetch(ranges: [Range<Int>]) throws {
    lock.withLock { prefetches.append(ranges) }
  }
}
