import NIOCore
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

  /// The byte range of chunk `index`.
  private func chunkRange(_ index: Int, _ chunkSize: Int) -> Range<Int> {
    (index * chunkSize)..<min(size, (index + 1) * chunkSize)
  }

  /// Every chunk the non-empty `ranges` touch, by index: from the cache, the missing ones
  /// fetched (each run of adjacent missing chunks one GET, all at once) and stored.
  private func chunks(covering ranges: [Range<Int>], _ cache: S3ObjectCache, _ object: String)
    throws -> [Int: [UInt8]]
  {
    let chunkSize = cache.chunkSize
    var chunks: [Int: [UInt8]] = [:]
    var missing: [Int] = []
    for range in ranges where !range.isEmpty {
      for index in (range.lowerBound / chunkSize)...((range.upperBound - 1) / chunkSize)
      where chunks[index] == nil && !missing.contains(index) {
        if let bytes = cache.chunk(index, count: chunkRange(index, chunkSize).count, of: object) {
          chunks[index] = bytes
        } else {
          missing.append(index)
        }
      }
    }
    let spans = Self.coalesced(missing.map { chunkRange($0, chunkSize) }, gap: 0)
    for (span, bytes) in zip(spans, try fetch(spans)) {
      var start = span.lowerBound
      while start < span.upperBound {
        let index = start / chunkSize
        let end = chunkRange(index, chunkSize).upperBound
        let chunk = Array(bytes[(start - span.lowerBound)..<(end - span.lowerBound)])
        cache.storeChunk(chunk, index: index, of: object)
        chunks[index] = chunk
        start = end
      }
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

  private func check(_ range: Range<Int>) throws {
    guard range.lowerBound >= 0, range.upperBound <= size else {
      throw StorageError(
        .outOfRange,
        "\(storage.location): range \(range) is outside '\(path)' of \(size) bytes")
    }
  }
}
