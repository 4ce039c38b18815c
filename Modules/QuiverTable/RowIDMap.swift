import Foundation
import QuiverStorage

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
    if let position = oldRowIDs.sortedPosition(of: oldRowID) { return newRowIDs[position] }
    return removedFragmentIDs.contains(RowID.fragmentID(oldRowID)) ? nil : oldRowID
  }
}

/// Row-id map files: `QVRM`, version, fragment count, pair count, removed fragment ids,
/// (old, new) pairs, CRC32C, `QVRM`. See Docs/Format.md, "Tables: layout, manifests,
/// deletions".
enum RowIDMapCodec {
  static let formatVersion: UInt16 = 1

  static let magic = "QVRM"

  static func encode(_ map: RowIDMap) -> [UInt8] {
    ChecksummedFrame.encode(
      magic: magic, version: formatVersion, capacity: 16 + map.oldRowIDs.count * 16
    ) { writer in
      writer.write(UInt16(0))
      writer.write(UInt32(map.removedFragmentIDs.count))
      writer.write(UInt64(map.oldRowIDs.count))
      for id in map.removedFragmentIDs { writer.write(id) }
      for (old, new) in zip(map.oldRowIDs, map.newRowIDs) {
        writer.write(old)
        writer.write(new)
      }
    }
  }

  /// - Throws: `TableError.corruptDeletionFile` naming `source`.
  static func decode(_ bytes: [UInt8], source: URL) throws -> RowIDMap {
    let name = "row-id map '\(source.objectName)'"
    do {
      let frame = try ChecksummedFrame.decode(bytes, magic: magic, context: name)
      return try bytes.withUnsafeBytes { raw in
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[frame.content]), context: name)
        guard frame.version <= formatVersion else { throw reader.corrupt("has a bad header") }
        _ = try reader.read(UInt16.self, "reserved")
        let fragmentCount = Int(try reader.read(UInt32.self, "fragment count"))
        let pairCount = try reader.read(UInt64.self, "pair count")
        guard pairCount <= UInt64(reader.remaining / 16),
          reader.remaining == fragmentCount * 4 + Int(pairCount) * 16
        else { throw reader.corrupt("has a wrong length") }
        var fragments: [UInt32] = []
        for _ in 0..<fragmentCount { fragments.append(try reader.read(UInt32.self, "fragment id")) }
        var pairs: [(old: UInt64, new: UInt64)] = []
        pairs.reserveCapacity(Int(pairCount))
        for _ in 0..<pairCount {
          pairs.append((try reader.read(UInt64.self, "old row id"), try reader.read(UInt64.self, "new row id")))
        }
        return RowIDMap(removedFragmentIDs: fragments, pairs: pairs)
      }
    } catch let error as StorageError {
      throw TableError(.corruptDeletionFile, error.message)
    }
  }
}
