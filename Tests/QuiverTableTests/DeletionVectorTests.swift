import Foundation
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverTable

@Test func unionContainsAndLiveOffsets() {
  let left = DeletionVector([5, 1, 9, 1])
  let right = DeletionVector([2, 9, 100])
  let merged = left.union(right)
  #expect(left.offsets == [1, 5, 9])
  #expect(merged.offsets == [1, 2, 5, 9, 100])
  #expect(merged.contains(100) && merged.contains(1) && !merged.contains(3) && !merged.contains(101))
  #expect(left.liveOffsets(physicalRowCount: 11) == [0, 2, 3, 4, 6, 7, 8, 10])
  #expect(left.deletedFlags(physicalRowCount: 6) == [false, true, false, false, false, true])
}

@Test(arguments: [(rows: 1000, deleted: 3), (rows: 1000, deleted: 900), (rows: 1, deleted: 1), (rows: 64, deleted: 0)])
func deletionFileRoundTrips(rows: Int, deleted: Int) throws {
  var random = SeededGenerator(seed: UInt64(rows * 31 + deleted))
  var offsets = Set<UInt32>()
  while offsets.count < deleted { offsets.insert(UInt32.random(in: 0..<UInt32(rows), using: &random)) }
  let vector = DeletionVector(offsets)
  let bytes = DeletionFileCodec.encode(vector, fragmentID: 42, physicalRowCount: rows)
  let fragment = FragmentMetadata(id: 42, physicalRowCount: rows, dataFiles: [])
  let decoded = try DeletionFileCodec.decode(bytes, fragment: fragment, source: URL(fileURLWithPath: "/d"))
  #expect(decoded == vector)
  // The wrong fragment and a damaged byte are both refused.
  #expect(throws: TableError.self) {
    try DeletionFileCodec.decode(
      bytes, fragment: FragmentMetadata(id: 41, physicalRowCount: rows, dataFiles: []),
      source: URL(fileURLWithPath: "/d"))
  }
  var damaged = bytes
  damaged[damaged.count / 2] ^= 0x10
  #expect {
    try DeletionFileCodec.decode(damaged, fragment: fragment, source: URL(fileURLWithPath: "/d"))
  } throws: { ($0 as? TableError)?.code == .corruptDeletionFile }
  #expect {
    try DeletionFileCodec.decode(Array(bytes.dropLast(3)), fragment: fragment, source: URL(fileURLWithPath: "/d"))
  } throws: { ($0 as? TableError)?.code == .corruptDeletionFile }
}

@Test func equalSetsAreEqualHoweverTheyWereBuilt() {
  let built = DeletionVector([3]).union(DeletionVector([100])).union(DeletionVector())
  #expect(built == DeletionVector([100, 3, 3]))
  #expect(built.bitmap == DeletionVector([3, 100]).bitmap)
  #expect(DeletionVector([]) == DeletionVector())
  #expect(built.count == 2 && !built.isEmpty && DeletionVector().isEmpty)
}

@Test func anOffsetBeyondTheFragmentIsRefusedBeforeItSizesMemory() throws {
  // A sorted list holding the largest offset a file can hold: one bitmap bit per row up to it
  // would be 512 MiB.
  let bytes = ChecksummedFrame.encode(
    magic: DeletionFileCodec.magic, version: DeletionFileCodec.formatVersion, capacity: 20
  ) { writer in
    writer.write(DeletionFileCodec.sortedList)
    writer.write(UInt8(0))
    for field in [9, 1, 10, UInt32.max - 1] as [UInt32] { writer.write(field) }
  }
  let fragment = FragmentMetadata(id: 9, physicalRowCount: 10, dataFiles: [])
  #expect {
    try DeletionFileCodec.decode(bytes, fragment: fragment, source: URL(fileURLWithPath: "/d"))
  } throws: { error in
    let error = error as? TableError
    return error?.code == .corruptDeletionFile
      && error?.message.contains("deletes offset \(UInt32.max - 1), but the fragment has 10") == true
  }
}
