import CQuiverKernels

/// CRC-32C (Castagnoli), the checksum of every Quiver file: hardware instruction where the CPU
/// has one (SSE4.2 `crc32`), a sliced table otherwise. Thread-safe.
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
  /// - Complexity: O(bytes.count).
  public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0, continuing: crc) }
  }

  /// The checksum from the portable table, never the CPU instruction (to test one against the
  /// other).
  package static func portableChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0)
    -> UInt32
  {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
    return qk_crc32c_portable(crc, base, bytes.count)
  }

  /// Whether `checksum` uses a CPU instruction on this machine.
  package static var usesHardware: Bool { qk_crc32c_hardware_available() != 0 }
}
