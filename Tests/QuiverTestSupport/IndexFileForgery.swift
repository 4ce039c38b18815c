import Foundation
import QuiverKernels

/// Damage to an index folder's two files that a faulty writer could make: the bytes change and
/// every checksum is recomputed, so only the readers' semantic checks can notice (issue 16).
///
/// Both files follow Docs/Format.md, "Index files": the model file ends with the partition
/// directory (32 bytes per partition: offset u64, rows u64, length u64, CRC32C u32, reserved
/// u32), then its own CRC32C, version and magic (16 bytes); each partition block in the
/// partitions file starts with its row ids (u64 each).
public enum IndexFileForgery {
  /// Sets row id `position` of the last partition that has more than `position` rows to
  /// `rowID`, recomputing that block's checksum in the directory and the model file's checksum.
  ///
  /// - Parameters:
  ///   - folder: the index folder (`_indices/<uuid>`).
  ///   - model: the model file's name (`ivf.meta`, `hnsw.meta`, `rq.meta`).
  ///   - partitions: the partitions file's name.
  public static func rewriteRowID(
    in folder: URL, model: String, partitions: String, position: Int, to rowID: UInt64
  ) throws {
    let modelURL = folder.appendingPathComponent(model)
    let partitionsURL = folder.appendingPathComponent(partitions)
    var modelBytes = [UInt8](try Data(contentsOf: modelURL))
    var blocks = [UInt8](try Data(contentsOf: partitionsURL))
    let directoryEnd = modelBytes.count - 16
    // The directory is the model's tail; walk it back from the last partition.
    var entry = directoryEnd - 32
    while true {
      guard entry >= 0 else { throw ForgeryError.noPartitionHoldsRow(position) }
      let rows = Int(word(modelBytes, at: entry + 8))
      if rows > position {
        let offset = Int(word(modelBytes, at: entry))
        let length = Int(word(modelBytes, at: entry + 16))
        store(rowID, in: &blocks, at: offset + 8 * position)
        let checksum = CRC32C.checksum(Array(blocks[offset..<(offset + length)]))
        store(UInt64(checksum), in: &modelBytes, at: entry + 24, byteCount: 4)
        break
      }
      entry -= 32
    }
    let modelChecksum = CRC32C.checksum(Array(modelBytes[0..<directoryEnd]))
    store(UInt64(modelChecksum), in: &modelBytes, at: directoryEnd, byteCount: 4)
    // Written as new files, as a writer would (the originals may be read-only).
    for (url, bytes) in [(modelURL, modelBytes), (partitionsURL, blocks)] {
      try FileManager.default.removeItem(at: url)
      try Data(bytes).write(to: url)
    }
  }

  /// Why a forgery could not be made.
  public enum ForgeryError: Error {
    /// No partition has more than this many rows.
    case noPartitionHoldsRow(Int)
  }

  private static func word(_ bytes: [UInt8], at offset: Int) -> UInt64 {
    (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
  }

  private static func store(
    _ value: UInt64, in bytes: inout [UInt8], at offset: Int, byteCount: Int = 8
  ) {
    for index in 0..<byteCount {
      bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
    }
  }
}
