/// The `.fvecs` / `.bvecs` / `.ivecs` family (the TEXMEX format of the ANN benchmark sets): per
/// vector a little-endian int32 dimension, then that many float32, uint8 or int32 values.
enum VecsFormat: String, Sendable, CaseIterable {
  case fvecs, bvecs, ivecs

  /// The element type its vectors hold.
  var element: VectorElement {
    switch self {
    case .fvecs: return .float32
    case .bvecs: return .uint8
    case .ivecs: return .int32
    }
  }

  /// The largest dimension accepted when reading, so a corrupt header is reported as such rather
  /// than attempted as a huge allocation.
  static let maximumDimension = 1 << 20
}
