import Foundation
import QuiverKernels
import QuiverStorage

/// How a partition's rows are laid out in memory and on disk.
package struct PartitionLayout: Sendable, Hashable {
  /// Floats per row in `IVFPartition.vectors` (IVF_FLAT), else 0.
  package var floatsPerRow: Int
  /// Bytes per row in `IVFPartition.codes` (IVF_PQ, IVF_SQ), else 0.
  package var codeBytesPerRow: Int
  /// Whether rows carry a `rowTerms` float (IVF_PQ with l2 or cosine).
  package var hasRowTerms: Bool
  /// Sub-vectors of the 4-bit PQ codes a partition holds in fast-scan blocks of 32 rows
  /// (`PQ4FastScan`); 0 when codes are row-major.
  package var fastScanSubVectorCount = 0
  /// Whether the file holds those 4-bit codes row-major (IVF format version 1), so reading packs
  /// them into blocks.
  package var packsCodesOnRead = false

  /// Bytes of one serialized partition of `rows` rows: row ids, vectors, codes padded to 4,
  /// row terms (Docs/Format.md, "IVF index files").
  package func serializedLength(rows: Int) -> Int {
    let codes = storedCodeByteCount(rows: rows)
    return rows * 8 + rows * floatsPerRow * 4 + (codes + 3) / 4 * 4 + (hasRowTerms ? rows * 4 : 0)
  }

  /// Bytes of codes the file holds for `rows` rows.
  private func storedCodeByteCount(rows: Int) -> Int {
    fastScanSubVectorCount > 0 && !packsCodesOnRead
      ? PQ4FastScan.packedByteCount(rowCount: rows, subVectorCount: fastScanSubVectorCount)
      : rows * codeBytesPerRow
  }

  /// The partition's bytes as written to `ivf.partitions`.
  package func serialize(_ partition: IVFPartition) -> [UInt8] {
    var writer = ByteWriter()
    writer.write(words: partition.rowIds)
    writer.write(floats: partition.vectors)
    writer.write(partition.codes)
    writer.pad(toMultipleOf: 4)
    writer.write(floats: partition.rowTerms)
    return writer.bytes
  }

  /// Reads back a partition of `rows` rows.
  package func deserialize(_ bytes: [UInt8], rows: Int, path: String) throws(IndexError)
    -> IVFPartition
  {
    guard bytes.count == serializedLength(rows: rows) else {
      throw IndexError(
        .corruptFile,
        "\(path): partition of \(rows) rows has \(bytes.count) bytes, expected \(serializedLength(rows: rows))"
      )
    }
    return try IndexError.translatingStorageErrors {
      try bytes.withUnsafeBytes { raw in
        var reader = ByteReader(raw, context: path)
        let rowIds = try reader.readWords(rows, "row ids")
        let vectors = try reader.readFloats(rows * floatsPerRow, "vectors")
        var codes = try reader.readArray(storedCodeByteCount(rows: rows), "codes")
        reader.skip(toMultipleOf: 4)
        let rowTerms = try reader.readFloats(hasRowTerms ? rows : 0, "row terms")
        if fastScanSubVectorCount > 0 && packsCodesOnRead {
          codes = IVFPartition.fastScanBlocks(
            rowMajorCodes: codes, rowCount: rows, subVectorCount: fastScanSubVectorCount)
        }
        return IVFPartition(rowIds: rowIds, vectors: vectors, codes: codes, rowTerms: rowTerms)
      }
    }
  }
}

/// The partitions of an index: all in memory after a build, or read on demand from
/// `ivf.partitions` after `IVFIndex.open` and kept in a cache bounded in bytes (least recently
/// used partitions are evicted first).
///
/// `@unchecked Sendable`: the mutable cache state is touched only while holding `lock`.
package final class PartitionStore: @unchecked Sendable {
  private enum Source {
    case memory([IVFPartition])
    case file(any StorageReader, path: String, [PartitionDirectoryEntry], PartitionLayout)
  }

  private let source: Source
  private let lock = NSLock()
  private var cache: [Int: (partition: IVFPartition, lastUse: UInt64)] = [:]
  private var cachedBytes = 0
  private var clock: UInt64 = 0
  private var reads = 0
  /// The most bytes of partitions the cache keeps (one partition is always kept, whatever its
  /// size).
  package let cacheCapacityBytes: Int

  /// Partitions held in memory.
  package init(partitions: [IVFPartition]) {
    source = .memory(partitions)
    cacheCapacityBytes = 0
  }

  /// Partitions read from `reader` (the partitions file at `path`) as needed.
  package init(
    reader: any StorageReader, path: String, directory: [PartitionDirectoryEntry],
    layout: PartitionLayout, cacheCapacityBytes: Int
  ) {
    source = .file(reader, path: path, directory, layout)
    self.cacheCapacityBytes = cacheCapacityBytes
  }

  /// The number of partitions.
  package var count: Int {
    switch source {
    case .memory(let partitions): partitions.count
    case .file(_, _, let directory, _): directory.count
    }
  }

  /// Rows per partition, without reading any partition.
  package var rowCounts: [Int] {
    switch source {
    case .memory(let partitions): partitions.map(\.rowCount)
    case .file(_, _, let directory, _): directory.map(\.rowCount)
    }
  }

  /// How many partitions were read from disk so far (cache misses).
  package var diskReads: Int { lock.withLock { reads } }

  /// Partitions currently cached.
  package var cachedPartitionCount: Int { lock.withLock { cache.count } }

  /// Bytes of partitions in the cache (0 for an in-memory store).
  package var cachedByteCount: Int { lock.withLock { cachedBytes } }

  /// Every partition's bytes in memory (in-memory store) — for `index_bytes` reports.
  package var inMemoryByteCount: Int {
    switch source {
    case .memory(let partitions): partitions.reduce(0) { $0 + $1.byteCount }
    case .file(_, _, let directory, _): directory.reduce(0) { $0 + $1.length }
    }
  }

  /// Partition `index`, from memory, the cache or the file (checksum verified).
  ///
  /// - Throws: `IndexError.corruptFile` when the bytes fail their checksum or layout.
  package func partition(_ index: Int) throws(IndexError) -> IVFPartition {
    switch source {
    case .memory(let partitions):
      return partitions[index]
    case .file(let reader, let path, let directory, let layout):
      let hit: IVFPartition? = lock.withLock {
        clock += 1
        guard var entry = cache[index] else { return nil }
        entry.lastUse = clock
        cache[index] = entry
        return entry.partition
      }
      if let hit { return hit }
      let entry = directory[index]
      let bytes = try PartitionedIndexFiles.readBlock(
        from: reader, path: path, entry: entry, index: index)
      let partition = try layout.deserialize(
        bytes, rows: entry.rowCount, path: "\(path) partition \(index)")
      lock.withLock {
        reads += 1
        clock += 1
        if cache[index] == nil {
          cache[index] = (partition, clock)
          cachedBytes += partition.byteCount
        }
        while cachedBytes > cacheCapacityBytes && cache.count > 1 {
          var victim = -1
          var oldest = UInt64.max
          for (key, value) in cache where key != index && value.lastUse < oldest {
            victim = key
            oldest = value.lastUse
          }
          guard victim >= 0, let removed = cache.removeValue(forKey: victim) else { break }
          cachedBytes -= removed.partition.byteCount
        }
      }
      return partition
    }
  }

  /// Every partition (reading the missing ones).
  package func allPartitions() throws(IndexError) -> [IVFPartition] {
    if case .memory(let partitions) = source { return partitions }
    var result: [IVFPartition] = []
    result.reserveCapacity(count)
    for index in 0..<count { result.append(try partition(index)) }
    return result
  }
}
