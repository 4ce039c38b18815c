import QuiverFormat

extension Column {
  /// Calls `body` with this vector column's rows as contiguous floats (`count × dimension`),
  /// widening float16 and uint8 vectors into a temporary copy.
  /// - Precondition: the column is a fixed-size list.
  package func withFloatVectors<Result>(
    _ body: (UnsafeBufferPointer<Float>) throws -> Result
  ) rethrows -> Result {
    guard case .fixedSizeList(let element, let dimension) = dataType else {
      preconditionFailure("withFloatVectors: \(dataType) is not a vector type")
    }
    switch element {
    case .float32:
      return try withUnsafeValues(as: Float.self, body)
    case .float16:
      let widened = withUnsafeValues(as: UInt16.self) { $0.map(HalfPrecision.float(fromBits:)) }
      precondition(widened.count == count * dimension)
      return try widened.withUnsafeBufferPointer(body)
    case .uint8:
      let widened = withUnsafeValues(as: UInt8.self) { $0.map(Float.init) }
      return try widened.withUnsafeBufferPointer(body)
    }
  }
}
