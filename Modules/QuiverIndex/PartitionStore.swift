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

/// The partitions of an IVF index: all in memory after a build, or read on demand from
/// `ivf.partitions` after `IVFIndex.open` (checksum verified) and kept in a `PartitionCache`
/// bounded in bytes.
package final class PartitionStore: Sendable {
  private enum Source {
    case memory
    case file([PartitionDirectoryEntry], any StorageReader)
    /// Made on demand by a streaming build (rows per partition).
    case produced([Int])
  }

  private let source: Source
  private let cache: PartitionCache<IVFPartition>
  /// The most bytes of partitions the cache keeps (one partition is always kept, whatever its
  /// size).
  package var cacheCapacityBytes: Int { cache.capacityBytes }

  /// Partitions held in memory.
  package init(partitions: [IVFPartition]) {
    source = .memory
    cache = PartitionCache(partitions: partitions)
  }

  /// Partitions read from `reader` (the partitions file at `path`) as needed.
  /// - Parameter fragmentIDs: the fragments the index metadata lists (ascending); a partition
  ///   holding a row id of another fragment fails to load, since the layers above decide from
  ///   that list whether the index may return rows of fragments a version no longer covers.
  /// - Parameter rowBounds: what the table says of those fragments, when opened for a table;
  ///   a partition holding a row outside them fails to load.
  package init(
    reader: any StorageReader, path: String, directory: [PartitionDirectoryEntry],
    layout: PartitionLayout, fragmentIDs: [UInt32], rowBounds: IndexRowBounds?,
    cacheCapacityBytes: Int
  ) {
    source = .file(directory, reader)
    cache = PartitionCache(
      count: directory.count, capacityBytes: cacheCapacityBytes, byteCount: { $0.byteCount }
    ) { index throws(IndexError) in
      let entry = directory[index]
      let bytes = try PartitionedIndexFiles.readBlock(
        from: reader, path: path, entry: entry, index: index)
      let partition = try layout.deserialize(
        bytes, rows: entry.rowCount, path: "\(path) partition \(index)")
      try IndexMetadataValidation.requireListedFragments(
        partition.rowIds, fragmentIDs, path: "\(path) partition \(index)")
      try rowBounds?.check(partition.rowIds, path: "\(path) partition \(index)")
      return partition
    }
  }

  /// Partitions made on demand by `load` (a streaming build assembling each from its spilled
  /// rows while the index is written); only the partition just made is kept.
  package init(
    rowCounts: [Int], load: @escaping @Sendable (Int) throws(IndexError) -> IVFPartition
  ) {
    source = .produced(rowCounts)
    cache = PartitionCache(
      count: rowCounts.count, capacityBytes: 0, byteCount: { $0.byteCount }, load: load)
  }

  /// The number of partitions.
  package var count: Int { cache.count }

  /// Rows per partition, without reading any partition.
  package var rowCounts: [Int] {
    switch source {
    case .memory: cache.heldPartitions?.map(\.rowCount) ?? []
    case .file(let directory, _): directory.map(\.rowCount)
    case .produced(let rowCounts): rowCounts
    }
  }

  /// How many partitions were read from disk so far (cache misses).
  package var diskReads: Int { cache.diskReads }

  /// Partitions currently cached (0 for an in-memory store).
  package var cachedPartitionCount: Int {
    if case .memory = source { return 0 }
    return cache.cachedPartitionCount
  }

  /// Bytes of partitions in the cache (0 for an in-memory store).
  package var cachedByteCount: Int { cache.cachedByteCount }

  /// Every partition's bytes in memory (in-memory store) — for `index_bytes` reports.
  package var inMemoryByteCount: Int {
    switch source {
    case .memory: cache.heldPartitions?.reduce(0) { $0 + $1.byteCount } ?? 0
    case .file(let directory, _): directory.reduce(0) { $0 + $1.length }
    case .produced: 0
    }
  }

  /// Partition `index`, from memory, the cache or the file (checksum verified).
  ///
  /// - Throws: `IndexError.corruptFile` when the bytes fail their checksum or layout.
  package func partition(_ index: Int) throws(IndexError) -> IVFPartition {
    try cache.partition(index)
  }

  /// Announces that partitions `indices` are about to be read, so the blocks of those not
  /// cached are fetched together (at once from object storage) rather than one by one.
  /// - Throws: `IndexError.ioFailure` when the fetch fails.
  package func prefetch(_ indices: [Int]) throws(IndexError) {
    guard case .file(let directory, let reader) = source else { return }
    let missing = cache.missing(indices)
    guard missing.count > 1 else { return }
    let blocks = missing.map { directory[$0].offset..<directory[$0].offset + directory[$0].length }
    try IndexError.translatingStorageErrors { try reader.prefetch(ranges: blocks) }
  }

  /// Every partition (reading the missing ones).
  package func allPartitions() throws(IndexError) -> [IVFPartition] {
    try cache.allPartitions()
  }
}
