import Foundation
import QuiverStorage

/// The set of deleted row offsets of one fragment, kept sorted.
public struct DeletionVector: Sendable, Hashable {
  /// The deleted offsets, ascending and unique.
  public private(set) var offsets: [UInt32]

  /// An empty set.
  public init() { offsets = [] }

  /// The set of `offsets` (any order, duplicates allowed).
  public init<S: Sequence>(_ offsets: S) where S.Element == UInt32 {
    self.offsets = Array(Set(offsets)).sorted()
  }

  /// The number of deleted rows.
  public var count: Int { offsets.count }
  /// Whether no row is deleted.
  public var isEmpty: Bool { offsets.isEmpty }

  /// Whether the row at `offset` is deleted.
  /// - Complexity: O(log count).
  public func contains(_ offset: UInt32) -> Bool {
    var low = 0
    var high = offsets.count
    while low < high {
      let middle = (low + high) / 2
      if offsets[middle] < offset { low = middle + 1 } else { high = middle }
    }
    return low < offsets.count && offsets[low] == offset
  }

  /// This set with `other` added.
  public func union(_ other: DeletionVector) -> DeletionVector {
    var merged = DeletionVector()
    merged.offsets.reserveCapacity(offsets.count + other.offsets.count)
    var left = 0
    var right = 0
    while left < offsets.count || right < other.offsets.count {
      let next: UInt32
      if right == other.offsets.count || (left < offsets.count && offsets[left] < other.offsets[right]) {
        next = offsets[left]
        left += 1
      } else {
        next = other.offsets[right]
        right += 1
      }
      if merged.offsets.last != next { merged.offsets.append(next) }
    }
    return merged
  }

  /// One flag per row of a fragment with `physicalRowCount` rows: true where deleted.
  public func deletedFlags(physicalRowCount: Int) -> [Bool] {
    var flags = [Bool](repeating: false, count: physicalRowCount)
    for offset in offsets where Int(offset) < physicalRowCount { flags[Int(offset)] = true }
    return flags
  }

  /// The offsets in `0..<physicalRowCount` that are not deleted, ascending.
  public func liveOffsets(physicalRowCount: Int) -> [UInt32] {
    var live: [UInt32] = []
    live.reserveCapacity(max(0, physicalRowCount - offsets.count))
    var next = 0
    for row in 0..<UInt32(physicalRowCount) {
      if next < offsets.count && offsets[next] == row {
        next += 1
      } else {
        live.append(row)
      }
    }
    return live
  }
}

/// Reads and writes deletion files: `QVDL`, version, encoding, fragment id, count, the offsets
/// (sorted list or bitmap, whichever is smaller), CRC32C, `QVDL`.
///
/// See Docs/Format.md, "Tables: layout, manifests, deletions" (deletion files).
enum DeletionFileCodec {
  static let formatVersion: UInt16 = 1
  static let sortedList: UInt8 = 0
  static let bitmap: UInt8 = 1

  static let magic = "QVDL"

  static func encode(
    _ vector: DeletionVector, fragmentID: UInt32, physicalRowCount: Int
  ) -> [UInt8] {
    let useBitmap = (physicalRowCount + 7) / 8 < vector.count * 4
    return ChecksummedFrame.encode(
      magic: magic, version: formatVersion, capacity: 16 + vector.count * 4
    ) { writer in
      writer.write(useBitmap ? bitmap : sortedList)
      writer.write(UInt8(0))
      writer.write(fragmentID)
      writer.write(UInt32(vector.count))
      writer.write(UInt32(physicalRowCount))
      if useBitmap {
        var bits = [UInt8](repeating: 0, count: (physicalRowCount + 7) / 8)
        for offset in vector.offsets { bits[Int(offset / 8)] |= 1 << (offset % 8) }
        writer.write(bits)
      } else {
        for offset in vector.offsets { writer.write(offset) }
      }
    }
  }

  /// - Throws: `TableError.corruptDeletionFile` naming `source`, `.unsupportedFeature` for a
  ///   newer format version.
  static func decode(_ bytes: [UInt8], fragmentID: UInt32, source: URL) throws -> DeletionVector {
    let name = "deletion file '\(source.objectName)'"
    do {
      let frame = try ChecksummedFrame.decode(bytes, magic: magic, context: name)
      guard frame.version <= formatVersion else {
        throw TableError(.unsupportedFeature, "\(name) has a newer format")
      }
      return try bytes.withUnsafeBytes { raw in
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[frame.content]), context: name)
        let encoding = try reader.read(UInt8.self, "encoding")
        _ = try reader.read(UInt8.self, "reserved byte")
        let storedFragment = try reader.read(UInt32.self, "fragment id")
        let count = Int(try reader.read(UInt32.self, "deleted row count"))
        let rows = Int(try reader.read(UInt32.self, "physical row count"))
        guard storedFragment == fragmentID else {
          throw reader.corrupt("belongs to fragment \(storedFragment), not \(fragmentID)")
        }
        var offsets: [UInt32] = []
        if encoding == sortedList {
          guard reader.remaining == count * 4 else { throw reader.corrupt("has a wrong length") }
          offsets.reserveCapacity(count)
          for _ in 0..<count { offsets.append(try reader.read(UInt32.self, "offset")) }
        } else if encoding == bitmap {
          let bits = try reader.readBytes((rows + 7) / 8, "bitmap")
          guard reader.remaining == 0 else { throw reader.corrupt("has a wrong length") }
          for row in 0..<rows where bits[row / 8] & (1 << (row % 8)) != 0 {
            offsets.append(UInt32(row))
          }
          guard offsets.count == count else { throw reader.corrupt("has a wrong count") }
        } else {
          throw reader.corrupt("has unknown encoding \(encoding)")
        }
        return DeletionVector(offsets)
      }
    } catch let error as StorageError {
      throw TableError(.corruptDeletionFile, error.message)
    }
  }
}
