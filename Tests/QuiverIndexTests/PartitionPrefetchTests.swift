import QuiverKernels
import QuiverTestSupport
import Testing

@testable import QuiverIndex

/// `PartitionStore.prefetch` announces to its `StorageReader` the blocks of the partitions a
/// search is about to read that are not cached, so a partitions file on object storage fetches
/// them at once; the blocks read afterwards are exactly those.
@Test func partitionPrefetchAnnouncesTheBlocksNotCached() throws {
  let layout = PartitionLayout(floatsPerRow: 0, codeBytesPerRow: 4, hasRowTerms: false)
  var random = SeededGenerator(seed: 17)
  var file = [UInt8](repeating: 0, count: 64)
  var entries: [PartitionDirectoryEntry] = []
  var partitions: [IVFPartition] = []
  for index in 0..<6 {
    let rows = 3 + index
    let partition = IVFPartition(
      rowIds: (0..<rows).map { UInt64(index * 100 + $0) },
      codes: (0..<(rows * 4)).map { _ in UInt8.random(in: 0...255, using: &random) })
    let block = layout.serialize(partition)
    entries.append(
      PartitionDirectoryEntry(
        offset: file.count, rowCount: rows, length: block.count, checksum: CRC32C.checksum(block)))
    file += block + [UInt8](repeating: 0, count: (64 - block.count % 64) % 64)
    partitions.append(partition)
  }
  let recording = RecordingStorageReader(file)
  let store = PartitionStore(
    reader: recording, path: "recorded", directory: entries, layout: layout, fragmentIDs: [0],
    rowBounds: nil, cacheCapacityBytes: 1 << 20)
  func block(_ index: Int) -> Range<Int> {
    entries[index].offset..<(entries[index].offset + entries[index].length)
  }

  try store.prefetch([4, 1, 3])
  #expect(recording.rangesPrefetched == [[block(4), block(1), block(3)]])
  #expect(recording.rangesRead.isEmpty)
  for index in [4, 1, 3] {
    #expect(try store.partition(index).rowIds == partitions[index].rowIds)
    #expect(try store.partition(index).codes == partitions[index].codes)
  }
  #expect(Set(recording.rangesRead) == [block(4), block(1), block(3)])
  #expect(recording.everyReadWasPrefetched)

  try store.prefetch([1, 3, 5])  // one block missing: nothing to read together
  try store.prefetch([1, 2, 5])
  #expect(recording.rangesPrefetched == [[block(4), block(1), block(3)], [block(2), block(5)]])
}
