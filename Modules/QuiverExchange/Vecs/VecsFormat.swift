/// The `.fvecs` / `.bvecs` / `.ivecs` family (the TEXMEX format of the ANN benchmark sets): per
/// vector a little-endian int32 dimension, then that many float32, uint8 or int32 values.
public enum VecsFormat: String, Sendable, CaseIterable {
  /// float32 values.
  case fvecs
  /// uint8 values.
  case bvecs
  /// int32 values (ground-truth ids).
  case ivecs

  /// Bytes per value: 4, 1 or 4.
  public var valueByteWidth: Int { self == .bvecs ? 1 : 4 }

  /// The largest dimension accepted when reading, so a corrupt header is reported as such rather
  /// than attempted as a huge allocation.
  public static let maximumDimension = 1 << 20
}
