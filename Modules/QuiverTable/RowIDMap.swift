import Foundation
import QuiverKernels

/// How a compaction moved rows: for every live row of a rewritten fragment, its old and new row
/// id. Indexes use it to remap their row ids instead of being rebuilt.
public struct RowIDMap: Sendable, Hashable {
  /// The fragments the compaction rewrote (and removed), ascending.
  public let removedFragmentIDs: [UInt32]
  /// Old row ids of the moved rows, ascending.
  public let oldRowIDs: [UInt64]
  /// `newRowIDs[i]` is the new id of the row that had `oldRowIDs[i]`.
  public let newRowIDs: [UInt64]

  /// Creates a map; `pairs` may be in any order.
  public init(removedFragmentIDs: [UInt32], pairs: [(old: UInt64, new: UInt64)]) {
    self.removedFragmentIDs = removedFragmentIDs.sorted()
    let sorted = pairs.sorted { $0.old < $1.old }
    oldRowIDs = sorted.map(\.old)
    newRowIDs = sorted.map(\.new)
  }

  /// The id the row with `oldRowID` has after the compaction: the same id if its fragment was
  /// not rewritten, nil if the row was deleted (so it is gone).
  /// - Complexity: O(log number of moved rows).
  public func newRowID(for oldRowID: UInt64) -> UInt64? {
    var low = 0
    var high = oldRowIDs.count
    while low < high {
      let middle = (low + high) / 2
      if oldRowIDs[middle] < oldRowID { low = middle + 1 } else { high = middle }
    }
    if low < oldRowIDs.count && oldRowIDs[low] == oldRowID { return newRowIDs[low] }
    return removedFragmentIDs.contains(RowID.fragmentID(oldRowID)) ? nil : oldRowID
  }
}

/// Row-id map files: `QVRM`, version, fragment count, pair count, removed fragment ids,
/// (old, new) pairs, CRC32C, `QVRM`. See Docs/Format.md, "Tables: layout, manifests,
/// deletions".
enum RowIDMapCodec {
  static let formatVersion: UInt16 = 1

  static func encode(_ map: RowIDMap) -> [UInt8] {
    var writer = ByteWriter(capacity: 32 + map.oldRowIDs.count * 16)
    writer.write(magic: "QVRM")
    writer.write(formatVersion)
    writer.write(UInt16(0))
    writer.write(UInt32(map.removedFragmentIDs.count))
    writer.write(UInt64(map.oldRowIDs.count))
    for id in map.removedFragmentIDs { writer.write(id) }
    for (old, new) in zip(map.oldRowIDs, map.newRowIDs) {
      writer.write(old)
      writer.write(new)
    }
    writer.write(CRC32C.checksum(writer.bytes))
    writer.write(magic: "QVRM")
    return writer.bytes
  }

  static func decode(_ bytes: [UInt8], source: URL) throws -> RowIDMap {
    func corrupt(_ why: String) -> TableError {
      TableError(.corruptDeletionFile, "row-id map '\(source.path)' \(why)")
    }
    guard bytes.count >= 28 else { throw corrupt("is truncated") }
    let bodyEnd = bytes.count - 8
    var trailer = ByteReader(bytes, offset: bodyEnd)
    let stored = trailer.readUInt32()!
    guard trailer.readMagic("QVRM") else { throw corrupt("does not end with the magic QVRM") }
    let computed = bytes.withUnsafeBytes {
      CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<bodyEnd]))
    }
    guard stored == computed else { throw corrupt("has a bad checksum") }
    var reader = ByteReader(Array(bytes[0..<bodyEnd]))
    guard reader.readMagic("QVRM"), let version = reader.readUInt16(), version <= formatVersion
    else { throw corrupt("has a bad header") }
    _ = reader.readUInt16()
    let fragmentCount = Int(reader.readUInt32()!)
    let pairCount = Int(reader.readUInt64()!)
    guard reader.remaining == fragmentCount * 4 + pairCount * 16 else {
      throw corrupt("has a wrong length")
    }
    let fragments = (0..<fragmentCount).map { _ in reader.readUInt32()! }
    let pairs = (0..<pairCount).map { _ in (old: reader.readUInt64()!, new: reader.readUInt64()!) }
    return RowIDMap(removedFragmentIDs: fragments, pairs: pairs)
  }
}
