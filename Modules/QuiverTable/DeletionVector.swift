import Foundation
import QuiverKernels

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

  static func encode(
    _ vector: DeletionVector, fragmentID: UInt32, physicalRowCount: Int
  ) -> [UInt8] {
    let useBitmap = (physicalRowCount + 7) / 8 < vector.count * 4
    var writer = ByteWriter(capacity: 32 + vector.count * 4)
    writer.write(magic: "QVDL")
    writer.write(formatVersion)
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
    writer.write(CRC32C.checksum(writer.bytes))
    writer.write(magic: "QVDL")
    return writer.bytes
  }

  /// - Throws: `TableError.corruptDeletionFile` naming `source`.
  static func decode(_ bytes: [UInt8], fragmentID: UInt32, source: URL) throws -> DeletionVector {
    func corrupt(_ why: String) -> TableError {
      TableError(.corruptDeletionFile, "deletion file '\(source.path)' \(why)")
    }
    guard bytes.count >= 28 else { throw corrupt("is truncated (\(bytes.count) bytes)") }
    let bodyEnd = bytes.count - 8
    var trailer = ByteReader(bytes, offset: bodyEnd)
    let stored = trailer.readUInt32()!
    guard trailer.readMagic("QVDL") else { throw corrupt("does not end with the magic QVDL") }
    let computed = bytes.withUnsafeBytes {
      CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<bodyEnd]))
    }
    guard stored == computed else { throw corrupt("has a bad checksum") }
    var reader = ByteReader(Array(bytes[0..<bodyEnd]))
    guard reader.readMagic("QVDL") else { throw corrupt("does not start with the magic QVDL") }
    guard let version = reader.readUInt16(), version <= formatVersion else {
      throw TableError(.unsupportedFeature, "deletion file '\(source.path)' has a newer format")
    }
    let encoding = reader.readUInt8()!
    _ = reader.readUInt8()
    let storedFragment = reader.readUInt32()!
    let count = Int(reader.readUInt32()!)
    let rows = Int(reader.readUInt32()!)
    guard storedFragment == fragmentID else {
      throw corrupt("belongs to fragment \(storedFragment), not \(fragmentID)")
    }
    var offsets: [UInt32] = []
    offsets.reserveCapacity(count)
    if encoding == sortedList {
      guard reader.remaining == count * 4 else { throw corrupt("has a wrong length") }
      for _ in 0..<count { offsets.append(reader.readUInt32()!) }
    } else if encoding == bitmap {
      guard let bits = reader.readBytes((rows + 7) / 8), reader.remaining == 0 else {
        throw corrupt("has a wrong length")
      }
      let base = bits.startIndex
      for row in 0..<rows where bits[base + row / 8] & (1 << (row % 8)) != 0 {
        offsets.append(UInt32(row))
      }
      guard offsets.count == count else { throw corrupt("has a wrong count") }
    } else {
      throw corrupt("has unknown encoding \(encoding)")
    }
    var vector = DeletionVector()
    vector = DeletionVector(offsets)
    return vector
  }
}
