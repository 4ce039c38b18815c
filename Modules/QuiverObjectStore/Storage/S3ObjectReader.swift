import NIOCore
import QuiverStorage

/// An object of an `S3Storage` read by ranges. Nearby ranges asked together share one GET,
/// independent GETs go out at once, and with a cache, immutable objects are read in cached
/// chunks so bytes come from the server only once.
final class S3ObjectReader: StorageReader {
  let storage: S3Storage
  let path: StoragePath
  let size: Int

  init(storage: S3Storage, path: StoragePath, size: Int) {
    self.storage = storage
    self.path = path
    self.size = size
  }

  func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    guard buffer.count > 0 else {
      try check(offset..<offset)
      return
    }
    let bytes = try read(ranges: [offset..<(offset + buffer.count)])[0]
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
  }

  func read(ranges: [Range<Int>]) throws -> [[UInt8]] {
    for range in ranges { try check(range) }
    if let cache = storage.cache, storage.isImmutable(path) {
      return try readThroughCache(ranges, cache)
    }
    let spans = Self.coalesced(ranges.filter { !$0.isEmpty }, gap: storage.options.coalescingGap)
    let fetched = try fetch(spans)
    return ranges.map { range in
      guard !range.isEmpty else { return [] }
      // The span that holds the range is the last one starting at or before it (spans are
      // sorted and disjoint): a binary search.
      var low = 0
      var high = spans.count - 1
      while low < high {
        let middle = (low + high + 1) / 2
        if spans[middle].lowerBound <= range.lowerBound { low = middle } else { high = middle - 1 }
      }
      let index = low
      let start = range.lowerBound - spans[index].lowerBound
      return Array(fetched[index][start..<(start + range.count)])
    }
  }

  /// Sorted, disjoint spans covering `ranges`, where ranges at most `gap` bytes apart share one.
  static func coalesced(_ ranges: [Range<Int>], gap: Int) -> [Range<Int>] {
    var spans: [Range<Int>] = []
    for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
      if let last = spans.last, range.lowerBound <= last.upperBound + gap {
        spans[spans.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
      } else {
        spans.append(range)
      }
    }
    return spans
  }

  /// One GET per span, all at once; each answer must hold the whole span.
  private func fetch(_ spans: [Range<Int>]) throws -> [[UInt8]] {
    guard !spans.isEmpty else { return [] }
    let key = storage.key(path)
    let futures = spans.map { storage.client.startGet(key, range: $0) }
    let eventLoop = futures[0].eventLoop
    let results = try storage.wait(EventLoopFuture.whenAllSucceed(futures, on: eventLoop), path)
    for (span, bytes) in zip(spans, results) where bytes.count != span.count {
      throw StorageError(
        .truncated,
        "\(storage.location): '\(path)' ended early: bytes \(span) of \(size) gave \(bytes.count)")
    }
    return results
  }

  private func readThroughCache(_ ranges: [Range<Int>], _ cache: S3ObjectCache) throws -> [[UInt8]] {
    let chunkSize = cache.chunkSize
    let bucket = storage.client.bucket
    let key = storage.key(path)
    func chunkRange(_ index: Int) -> Range<Int> {
      (index * chunkSize)..<min(size, (index + 1) * chunkSize)
    }
    var needed = Set<Int>()
    for range in ranges where !range.isEmpty {
      needed.formUnion((range.lowerBound / chunkSize)...((range.upperBound - 1) / chunkSize))
    }
    var chunks: [Int: [UInt8]] = [:]
    var missing: [Int] = []
    for index in needed.sorted() {
      if let bytes = cache.chunk(index, count: chunkRange(index).count, bucket: bucket, key: key) {
        chunks[index] = bytes
      } else {
        missing.append(index)
      }
    }
    // Runs of adjacent missing chunks are one GET each.
    let spans = Self.coalesced(missing.map(chunkRange), gap: 0)
    for (span, bytes) in zip(spans, try fetch(spans)) {
      var start = span.lowerBound
      while start < span.upperBound {
        let index = start / chunkSize
        let chunk = Array(bytes[(start - span.lowerBound)..<(chunkRange(index).upperBound - span.lowerBound)])
        cache.storeChunk(chunk, index: index, bucket: bucket, key: key)
        chunks[index] = chunk
        start = chunkRange(index).upperBound
      }
    }
    return ranges.map { range in
      var output: [UInt8] = []
      output.reserveCapacity(range.count)
      var position = range.lowerBound
      while position < range.upperBound {
        let index = position / chunkSize
        let chunk = chunks[index] ?? []
        let end = min(range.upperBound, chunkRange(index).upperBound)
        output += chunk[(position - index * chunkSize)..<(end - index * chunkSize)]
        position = end
      }
      return output
    }
  }

  private func check(_ range: Range<Int>) throws {
    guard range.lowerBound >= 0, range.upperBound <= size else {
      throw StorageError(
        .outOfRange,
        "\(storage.location): range \(range) is outside '\(path)' of \(size) bytes")
    }
  }
}
