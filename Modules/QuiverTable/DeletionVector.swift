import Foundation
import QuiverStorage

/// The set of deleted row offsets of one fragment.
///
/// It is a `RowBitmap` — the per-fragment part of `RowSet` — covering the offsets up to the
/// largest deleted one, so a table's deletions join prefilters, index coverage and index filters
/// as they are (`RowSet(fragments: [id: vector.bitmap])`), with no conversion.
public struct DeletionVector: Sendable, Hashable {
  /// The deleted offsets; its capacity is the largest deleted offset + 1 (0 when empty), so equal
  /// sets have equal bitmaps.
  package private(set) var bitmap: RowBitmap

  /// An empty set.
  public init() { bitmap = RowBitmap(capacity: 0) }

  /// The set of `offsets` (any order, duplicates allowed).
  /// - Complexity: O(n + m / 64) for n offsets up to m; memory one bit per row up to m.
  public init<S: Sequence>(_ offsets: S) where S.Element == UInt32 {
    let list = Array(offsets)
    bitmap = RowBitmap(
      capacity: list.max().map { Int($0) + 1 } ?? 0, offsets: list.lazy.map { Int($0) })
  }

  /// The deleted offsets, ascending and unique.
  public var offsets: [UInt32] {
    var result: [UInt32] = []
    result.reserveCapacity(count)
    bitmap.forEach { result.append(UInt32(truncatingIfNeeded: $0)) }
    return result
  }

  /// The number of deleted rows.
  public var count: Int { bitmap.count }
  /// Whether no row is deleted.
  public var isEmpty: Bool { bitmap.count == 0 }

  /// Whether the row at `offset` is deleted.
  public func contains(_ offset: UInt32) -> Bool { bitmap.contains(Int(offset)) }

  /// This set with `other` added.
  public func union(_ other: DeletionVector) -> DeletionVector {
    var merged = self
    merged.bitmap.formUnion(other.bitmap)
    return merged
  }

  /// One flag per row of a fragment with `physicalRowCount` rows: true where deleted.
  public func deletedFlags(physicalRowCount: Int) -> [Bool] {
    (0..<physicalRowCount).map { bitmap.contains($0) }
  }

  /// The offsets in `0..<physicalRowCount` that are not deleted, ascending.
  public func liveOffsets(physicalRowCount: Int) -> [UInt32] {
    var live: [UInt32] = []
    live.reserveCapacity(max(0, physicalRowCount - count))
    for row in 0..<physicalRowCount where !bitmap.contains(row) { live.append(UInt32(row)) }
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
        vector.bitmap.forEach { offset in bits[offset / 8] |= 1 << (offset % 8) }
        writer.write(bits)
      } else {
        for offset in vector.offsets { writer.write(offset) }
      }
    }
  }

  /// Decodes the deletion file of `fragment`, checking every offset against the fragment's
  /// rows (Docs/Format.md, "Validation on read") before any memory is sized by one.
  /// - Throws: `TableError.corruptDeletionFile` naming `source` (and, for an offset beyond the
  ///   fragment, the fragment and the offset), `.unsupportedFeature` for a newer format version.
  static func decode(
    _ bytes: [UInt8], fragment: FragmentMetadata, source: URL
  ) throws -> DeletionVector {
    let fragmentID = fragment.id
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
        if let largest = offsets.max(), Int(largest) >= fragment.physicalRowCount {
          throw TableError(
            .corruptDeletionFile,
            "\(name) of fragment \(fragmentID) deletes offset \(largest), but the fragment has "
              + "\(fragment.physicalRowCount) rows")
        }
        return DeletionVector(offsets)
      }
    } catch let error as StorageError {
      throw TableError(.corruptDeletionFile, error.message)
    }
  }
}
