import Foundation
import QuiverKernels
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
  let decoded = try DeletionFileCodec.decode(bytes, fragmentID: 42, source: URL(fileURLWithPath: "/d"))
  #expect(decoded == vector)
  // The wrong fragment and a damaged byte are both refused.
  #expect(throws: TableError.self) {
    try DeletionFileCodec.decode(bytes, fragmentID: 41, source: URL(fileURLWithPath: "/d"))
  }
  var damaged = bytes
  damaged[damaged.count / 2] ^= 0x10
  #expect {
    try DeletionFileCodec.decode(damaged, fragmentID: 42, source: URL(fileURLWithPath: "/d"))
  } throws: { ($0 as? TableError)?.code == .corruptDeletionFile }
  #expect {
    try DeletionFileCodec.decode(Array(bytes.dropLast(3)), fragmentID: 42, source: URL(fileURLWithPath: "/d"))
  } throws: { ($0 as? TableError)?.code == .corruptDeletionFile }
}
