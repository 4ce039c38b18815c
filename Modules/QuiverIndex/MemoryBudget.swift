import Foundation

/// How much memory index builds and opened indexes may use: one number, split into the buffers
/// of a streaming build and the partition cache of each opened index.
///
/// A build streams the vector column in batches of about `bytes / 16`, keeps at most about
/// `bytes / 4` of encoded rows before it spills them to a temporary run file in the index
/// folder, and sizes IVF_HNSW partitions so that one partition's graph build takes about
/// `bytes / 2`. The k-means training sample of an IVF_FLAT / IVF_PQ / IVF_SQ build takes at most
/// `bytes / 2` (it is freed before the streaming pass starts), so it holds at most
/// `bytes / 2 / (4 × dimension)` of the `sampleRate × numPartitions` rows it would draw, but
/// never fewer than 64 rows a partition (`IVFIndexBuilder.minimumTrainingRowsPerPartition`): a
/// budget too small for that is exceeded rather than training on too few rows. With the default
/// 1 GiB, 384-d vectors, that is up to 349,525 rows, the whole default sample up to 1.86 M rows
/// (1,365 partitions). What a build cannot stream is outside these shares: the training sample
/// of IVF_HNSW builds, one row id per row (8 bytes), the largest partition
/// while its file block is written, and flat `HNSW`, which holds every vector and its graph and
/// is refused (`IndexError.memoryBudgetExceeded`) when its estimate exceeds `bytes`. An opened
/// index keeps at most `min(bytes, its type's default)` bytes of partitions in its cache.
public struct MemoryBudget: Sendable, Hashable, CustomStringConvertible {
  /// The budget in bytes (at least 1).
  public var bytes: Int

  /// The default: 1 GiB, which suits a laptop and matches the partition caches' former bounds.
  public static let defaultBytes = 1 << 30
  /// The default budget (1 GiB).
  public static let `default` = MemoryBudget(bytes: defaultBytes)
  /// No bound: builds keep everything in memory (the in-memory builders use this).
  public static let unlimited = MemoryBudget(bytes: Int.max)

  /// A budget of `bytes` (values below 1 become 1).
  public init(bytes: Int) {
    self.bytes = max(1, bytes)
  }

  /// Parses a size as people type it: a number of bytes with an optional binary suffix `K`,
  /// `M`, `G` or `T` (also `KB`, `MiB`, …, any case), e.g. `512M`, `2G`, `1.5G`, `1048576`.
  /// Returns nil for anything else, zero or negative sizes, or sizes that do not fit an `Int`.
  public init?(parsing text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
    let digits = trimmed.prefix { $0.isNumber || $0 == "." }
    var suffix = String(trimmed.dropFirst(digits.count))
    if suffix.count == 3 && suffix.hasSuffix("IB") {
      suffix.removeLast(2)
    } else if suffix.hasSuffix("B") {
      suffix.removeLast()
    }
    let shifts: [String: Int] = ["": 0, "K": 10, "M": 20, "G": 30, "T": 40]
    guard let number = Double(digits), number > 0, let shift = shifts[suffix] else { return nil }
    let value = number * Double(UInt64(1) << shift)
    guard value >= 1, value < Double(Int.max) else { return nil }
    self.init(bytes: Int(value))
  }

  /// The budget as `512 MiB`, `2 GiB` or bytes.
  public var description: String {
    if bytes == Int.max { return "unlimited" }
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")]
    where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
      return "\(bytes >> shift) \(unit)"
    }
    return "\(bytes) bytes"
  }

  /// `bytes` to one decimal in the largest binary unit that keeps it at least 1: `3.2 GiB`.
  package static func approximate(_ bytes: Int) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")]
    where bytes >= 1 << shift {
      return String(format: "%.1f", Double(bytes) / Double(1 << shift)) + " " + unit
    }
    return "\(bytes) bytes"
  }

  /// Bytes of vectors a streaming build reads and processes at once.
  package var batchBytes: Int { bytes / 16 }

  /// Bytes of encoded rows a build keeps before writing them to a run file.
  package var spillBytes: Int { bytes / 4 }

  /// Bytes the k-means training sample of an IVF build may take.
  package var trainingSampleBytes: Int { bytes / 2 }

  /// Bytes one IVF_HNSW partition's graph build may take (its default partition count follows).
  package var graphPartitionBytes: Int { bytes / 2 }

  /// The partition cache bound of an opened index whose type's default is `typeDefault`.
  package func cacheCapacity(typeDefault: Int) -> Int { min(bytes, typeDefault) }
}
