import QuiverKernels

/// Float vectors held for a graph: one 64-byte-aligned row-major block, normalised for the
/// cosine metric so that every metric runs as squared L2 or 1 − inner product.
final class HNSWFloatVectors: @unchecked Sendable {
  // @unchecked: the block is written once in `init` and only read afterwards.
  let count: Int
  let dimension: Int
  let metric: DistanceMetric
  let values: UnsafeMutablePointer<Float>

  /// Copies `count × dimension` floats (normalising rows for cosine unless `normalized`
  /// says they already are, as when read back from a file).
  init(
    copying source: UnsafeBufferPointer<Float>, dimension: Int, metric: DistanceMetric,
    normalized: Bool = false
  ) {
    precondition(dimension > 0 && source.count % dimension == 0, "not a whole number of rows")
    self.count = source.count / dimension
    self.dimension = dimension
    self.metric = metric
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(source.count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    values = raw.bindMemory(to: Float.self, capacity: max(source.count, 1))
    if !source.isEmpty {
      values.initialize(from: source.baseAddress!, count: source.count)
    }
    if metric == .cosine && count > 0 && !normalized {
      VectorNormalization.normalizeRows(values, count: count, dimension: dimension)
    }
  }

  deinit { UnsafeMutableRawPointer(values).deallocate() }

  /// Whether distances are 1 − inner product (dot, cosine) rather than squared L2.
  var usesInnerProduct: Bool { metric != .l2 }

  /// The build space over these rows.
  var buildSpace: HNSWFloatBuildSpace {
    HNSWFloatBuildSpace(
      vectors: values, count: count, dimension: dimension, innerProduct: usesInnerProduct)
  }

  /// Bytes held.
  var byteCount: Int { count * dimension * MemoryLayout<Float>.stride }
}
