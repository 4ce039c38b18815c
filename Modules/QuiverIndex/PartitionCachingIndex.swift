import Foundation

/// An index whose partitions are read on first use, checksum-verified, and kept in a cache of
/// bounded size (least recently used out): `IVFIndex`, `IVFRQIndex` and `IVFHNSWIndex`. Each
/// opens from a folder of a storage; opening a local folder by URL is the same for all of them.
public protocol PartitionCachingIndex: VectorIndex {
  /// The default bound, in bytes, of an opened index's partition cache.
  static var defaultCacheCapacityBytes: Int { get }

  /// Opens the index files in `folder` of a storage, reading no partition; partitions are
  /// cached up to `cacheCapacityBytes`.
  /// - Throws: `IndexError` `.ioFailure` (missing files), `.corruptFile` (bad magic, checksum,
  ///   lengths, offsets or values), `.unsupportedVersion` (written by a newer version).
  static func open(at folder: IndexFolder, cacheCapacityBytes: Int) throws(IndexError) -> Self
}

extension PartitionCachingIndex {
  /// Opens the index in the local folder `directory`; see `open(at:cacheCapacityBytes:)` with
  /// an `IndexFolder`.
  public static func open(
    at directory: URL, cacheCapacityBytes: Int = defaultCacheCapacityBytes
  ) throws(IndexError) -> Self {
    try open(at: IndexFolder(local: directory), cacheCapacityBytes: cacheCapacityBytes)
  }
}
