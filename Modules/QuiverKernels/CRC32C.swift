import CQuiverKernels

/// CRC-32C (Castagnoli), the checksum of every Quiver file: hardware instruction where the CPU
/// has one (SSE4.2 `crc32`), a sliced table otherwise.
public enum CRC32C {
  /// The checksum of `bytes`, continuing from `crc` (0 to start).
  /// - Complexity: O(bytes.count).
  public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0)
    -> UInt32
  {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
    return qk_crc32c(crc, base, bytes.count)
  }

  /// The checksum of a byte array.
  public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0, continuing: crc) }
  }
}
