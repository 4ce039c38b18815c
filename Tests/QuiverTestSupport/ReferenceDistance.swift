import QuiverKernels

/// The distance `metric` gives `a` and `b`, computed in Double precision and independently of the
/// kernels, as the reference that searches are checked against: squared Euclidean for `.l2`,
/// 1 − a·b for `.dot`, 1 − cos(a, b) for `.cosine` (1 when either vector is zero).
public func referenceDistance(
  _ metric: DistanceMetric, _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>
) -> Double {
  precondition(a.count == b.count, "vectors of different dimensions")
  var dot = 0.0
  var normA = 0.0
  var normB = 0.0
  var squared = 0.0
  for index in 0..<a.count {
    let x = Double(a[index])
    let y = Double(b[index])
    dot += x * y
    normA += x * x
    normB += y * y
    squared += (x - y) * (x - y)
  }
  switch metric {
  case .l2: return squared
  case .dot: return 1 - dot
  case .cosine: return normA == 0 || normB == 0 ? 1 : 1 - dot / (normA * normB).squareRoot()
  }
}

/// `referenceDistance` of a vector in a buffer and an array.
public func referenceDistance(
  _ metric: DistanceMetric, _ a: UnsafeBufferPointer<Float>, _ b: [Float]
) -> Double {
  b.withUnsafeBufferPointer { referenceDistance(metric, a, $0) }
}

/// `referenceDistance` of two arrays.
public func referenceDistance(_ metric: DistanceMetric, _ a: [Float], _ b: [Float]) -> Double {
  a.withUnsafeBufferPointer { referenceDistance(metric, $0, b) }
}
