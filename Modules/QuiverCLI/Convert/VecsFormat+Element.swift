import QuiverExchange

extension VecsFormat {
  /// The element type its vectors hold in an `ExchangeBatch`.
  var element: VectorElement {
    switch self {
    case .fvecs: return .float32
    case .bvecs: return .uint8
    case .ivecs: return .int32
    }
  }
}
