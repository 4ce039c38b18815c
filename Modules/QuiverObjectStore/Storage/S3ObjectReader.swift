import QuiverStorage

/// An object of an `S3Storage` read by ranges. Nearby ranges asked together share one GET,
/// independent GETs go out at once, and with a cache, immutable objects are read in cached
/// chunks so bytes come from the server only once (and, while a chunk stays in the cache's
/// memory, from its file only once).
final class S3ObjectReader: StorageReader {
  let storage: S3Storage
  let path: StoragePath
  let size: Int
  /// The cache and the object's name in it, when the object is immutable and there is a cache.
  private let cached: (cache: S3ObjectCache, object: String)?

  init(storage: S3Storage, path: StoragePath, size: Int) {
    self.storage = storage
    self.path = path
    self.size = size
    cached = storage.cachedObject(path)
  }

  func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    let range = offset..<(offset + buffer.count)
    try check(range)
    guard !range.isEmpty else { return }
    if let cached {
      let chunks = try chunks(covering: [range], cached.cache, cached.object)
      copy(range, from: chunks, chunkSize: cached.cache.chunkSize, into: buffer)
    } else {
      let bytes = try fetch([range])[0]
      bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    }
  }

  func read(ranges: [Range<Int>]) throws -> [[UInt8]] {
    for range in ranges { try check(range) }
    if let cached {
      let chunks = try chunks(covering: ranges, cached.cache, cached.object)
      return ranges.map { range in
        [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
          copy(
            range, from: chunks, chunkSize: cached.cache.chunkSize,
            into: UnsafeMutableRawBufferPointer(buffer))
          initialized = range.count
        }
      }
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

  /// One GET per span, `S3StorageOptions.concurrentRequests` of them in flight at once; each
  /// answer must hold the whole span.
  private func fetch(_ spans: [Range<Int>]) throws -> [[UInt8]] {
    guard
      let gets = S3RangeGets.start(
        storage.client, key: storage.key(path), ranges: spans,
        limit: storage.options.concurrentRequests)
    else { return [] }
    let results = try storage.wait(gets, path)
    for (span, bytes) in zip(spans, results) where bytes.count != span.count {
      throw StorageError(
        .truncated,
        "\(storage.location): '\(path)' ended early: bytes \(span) of \(size) gave \(bytes.count)")
    }
    return results
  }

  /// The byte range of chunk `index`.
  private func chunkRange(_ index: Int, _ chunkSize: Int) -> Range<Int> {
    (index * chunkSize)..<min(size, (index + 1) * chunkSize)
  }

  /// Every chunk the non-empty `ranges` touch, by index: from the cache, the missing ones
  /// fetched and stored. Runs of missing chunks at most `cacheCoalescingGapChunks` apart are one
  /// GET (the chunks between are stored too), the GETs go out at once
  /// (`S3StorageOptions.concurrentRequests` in flight), and a chunk another reader is fetching
  /// is waited for rather than fetched again (`S3ChunkFetches`).
  /// With `keeping` false the chunks are only made cached, and the result is empty.
  private func chunks(
    covering ranges: [Range<Int>], _ cache: S3ObjectCache, _ object: String, keeping: Bool = true
  ) throws -> [Int: [UInt8]] {
    let chunkSize = cache.chunkSize
    var wanted = Set<Int>()
    for range in ranges where !range.isEmpty {
      wanted.formUnion((range.lowerBound / chunkSize)...((range.upperBound - 1) / chunkSize))
    }
    var chunks: [Int: [UInt8]] = [:]
    var pending = wanted.sorted()
    // Each round fetches what nobody else is fetching and waits for the rest, which the next
    // round finds cached (or, if that fetch failed or the cache could not keep it, claims).
    while !pending.isEmpty {
      var missing: [Int] = []
      for index in pending {
        if let bytes = cache.chunk(index, count: chunkRange(index, chunkSize).count, of: object) {
          if keeping { chunks[index] = bytes }
        } else {
          missing.append(index)
        }
      }
      let claim = cache.fetches.claim(
        missing, of: object, bridgingGapsUpTo: storage.options.cacheCoalescingGapChunks
      ) { cache.holds(chunk: $0, of: object) }
      do {
        defer { cache.fetches.release(claim.runs, of: object) }
        let spans = claim.runs.map {
          chunkRange($0.lowerBound, chunkSize).lowerBound..<chunkRange($0.upperBound, chunkSize)
            .upperBound
        }
        for (span, bytes) in zip(spans, try fetch(spans)) {
          var start = span.lowerBound
          while start < span.upperBound {
            let index = start / chunkSize
            let end = chunkRange(index, chunkSize).upperBound
            let chunk = Array(bytes[(start - span.lowerBound)..<(end - span.lowerBound)])
            cache.storeChunk(chunk, index: index, of: object)
            if keeping && wanted.contains(index) { chunks[index] = chunk }
            start = end
          }
        }
      }
      cache.fetches.waitUntilFetched(claim.awaited, of: object)
      pending = claim.awaited
    }
    return chunks
  }

  /// Copies `range` of the object out of its chunks into `buffer` (`range.count` bytes).
  private func copy(
    _ range: Range<Int>, from chunks: [Int: [UInt8]], chunkSize: Int,
    into buffer: UnsafeMutableRawBufferPointer
  ) {
    var position = range.lowerBound
    while position < range.upperBound {
      let index = position / chunkSize
      let end = min(range.upperBound, chunkRange(index, chunkSize).upperBound)
      guard let chunk = chunks[index] else { preconditionFailure("chunk \(index) was not read") }
      chunk.withUnsafeBytes { source in
        let from = position - index * chunkSize
        UnsafeMutableRawBufferPointer(rebasing: buffer[(position - range.lowerBound)...])
          .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[from..<(from + end - position)]))
      }
      position = end
    }
  }

  /// Fetches the chunks of `ranges` the cache misses, all at once (as `read(ranges:)` does), so
  /// the reads of those ranges that follow, one by one, find them cached. Without a cache it
  /// does nothing: there is nowhere to keep the bytes. Only the first ranges, up to half the
  /// cache's file budget, are fetched: chunks beyond would push out the first before their read.
  func prefetch(ranges: [Range<Int>]) throws {
    for range in ranges { try check(range) }
    guard let cached else { return }
    let chunkSize = cached.cache.chunkSize
    var budget = storage.options.cacheBudgetBytes / 2
    let announced = ranges.prefix { range in
      budget -= (range.count / chunkSize + 2) * chunkSize  // the most chunks it can touch
      return budget >= 0
    }
    _ = try chunks(covering: Array(announced), cached.cache, cached.object, keeping: false)
  }

  private func check(_ range: Range<Int>) throws {
    guard range.lowerBound >= 0, range.upperBound <= size else {
      throw StorageError(
        .outOfRange,
        "\(storage.location): range \(range) is outside '\(path)' of \(size) bytes")
    }
  }
}
