/// How `S3Storage` writes, reads and caches.
public struct S3StorageOptions: Sendable, Equatable {
  /// Objects written with `createObject` go up in one PUT up to this size, and as a multipart
  /// upload of parts this size above it (at least 5 MiB, S3's smallest part).
  public var partSize: Int
  /// Parts of one multipart upload in flight at once.
  public var concurrentPartUploads: Int
  /// Ranges read together (`read(ranges:)`) whose gap is at most this many bytes are fetched by
  /// one GET; the bytes between are read and dropped.
  public var coalescingGap: Int
  /// Range GETs of one read (or one prefetch) in flight at once; the rest start as those end.
  public var concurrentRequests: Int
  /// Where immutable objects are cached on disk, or nil for no cache.
  public var cacheDirectory: String?
  /// The bytes the cache may hold; least recently used chunks go first.
  public var cacheBudgetBytes: Int
  /// Objects are cached in aligned chunks of this many bytes, each fetched by a range GET.
  public var cacheChunkSize: Int
  /// Runs of missing chunks read together with at most this many chunks between them are
  /// fetched by one GET, the chunks between included (and cached) when the cache holds none of
  /// them and no other reader is fetching them.
  public var cacheCoalescingGapChunks: Int
  /// Of the cached chunks, the most recently read are also kept in memory, up to this many
  /// bytes (0 keeps none), so a warm read copies bytes from memory instead of reading and
  /// checking a file. Only with a `cacheDirectory`; each `S3Storage` opened with one has its own
  /// (the storages it scopes share it). Counted apart from `Database`'s memory budget.
  public var cacheMemoryBudgetBytes: Int

  /// Options; the defaults are 8 MiB parts (4 in flight), a 64 KiB coalescing gap, 8 range GETs
  /// in flight, no cache (with a cache folder: 1 GiB of 256 KiB chunks on disk, 256 MiB of them
  /// in memory, gaps of up to 2 missing chunks fetched with their neighbours).
  public init(
    partSize: Int = 8 << 20, concurrentPartUploads: Int = 4, coalescingGap: Int = 64 << 10,
    concurrentRequests: Int = 8, cacheDirectory: String? = nil, cacheBudgetBytes: Int = 1 << 30,
    cacheChunkSize: Int = 256 << 10, cacheCoalescingGapChunks: Int = 2,
    cacheMemoryBudgetBytes: Int = 256 << 20
  ) {
    self.partSize = max(5 << 20, partSize)
    self.concurrentPartUploads = max(1, concurrentPartUploads)
    self.coalescingGap = max(0, coalescingGap)
    self.concurrentRequests = max(1, concurrentRequests)
    self.cacheDirectory = cacheDirectory
    self.cacheBudgetBytes = max(0, cacheBudgetBytes)
    self.cacheChunkSize = max(4 << 10, cacheChunkSize)
    self.cacheCoalescingGapChunks = max(0, cacheCoalescingGapChunks)
    self.cacheMemoryBudgetBytes = max(0, cacheMemoryBudgetBytes)
  }
}
