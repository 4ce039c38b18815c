import CQuiverHNSW

/// One byte a dimension for every node of a float build space, on one step shared by all
/// dimensions: what the insertion's beam search reads instead of the floats.
///
/// Dimension `i` of a node is stored as `round((x[i] − offsets[i]) / step)` with `offsets[i]`
/// the dimension's minimum and `step` the widest dimension's range / 255. One step for every
/// dimension makes the squared L2 between two codes `step² · Σ (a[i] − b[i])²` and the inner
/// product `Σ offsets² + step · (t_a + t_b) + step² · Σ a[i]·b[i]` (`t` = Σ offsets[i]·code[i],
/// kept per node), both summed exactly in integers by `qh_code_l2sq` / `qh_code_dot`.
///
/// A beam search over codes reads a quarter of the bytes of one over floats, so the rows it
/// touches stay in the cache far more often: the build was bound by memory, not arithmetic
/// (Docs/Benchmarks.md, "HNSW build"). The builder re-ranks the beam's results with exact
/// distances before it selects neighbours, so codes only decide which candidates are found.
package final class HNSWBuildCodes: @unchecked Sendable {
  // @unchecked: the buffers are written once in `init` and only read afterwards.
  let count: Int
  let dimension: Int
  let innerProduct: Bool
  /// The value of one code unit, in every dimension.
  package let step: Float
  /// 1 − Σ offsets²: the inner-product distance's constant part.
  let base: Float
  let codes: UnsafeMutablePointer<UInt8>
  /// Σ offsets[i] · code[i] per node (inner product only; empty otherwise).
  let offsetProducts: UnsafeMutablePointer<Float>

  /// Whether a space of `dimension` floats can be coded (the integer sums must not overflow).
  static func supports(dimension: Int) -> Bool {
    dimension > 0 && dimension <= Int(QH_CODE_MAXIMUM_DIMENSION)
  }

  /// The fewest code steps the median dimension's range must span. Below it, the dimensions'
  /// ranges are so uneven (one step for all is set by the widest) that most dimensions would
  /// keep only a few levels and the beam search would rank by the wide ones alone: the build
  /// then searches with exact distances instead.
  static let minimumMedianLevels: Float = 32

  /// Codes `count × dimension` floats at `vectors`, for squared L2 or for 1 − inner product;
  /// nil when the median dimension's range spans fewer than `minimumMedianLevels` steps.
  ///
  /// - Precondition: `supports(dimension:)`.
  package init?(
    vectors: UnsafePointer<Float>, count: Int, dimension: Int, innerProduct: Bool
  ) {
    precondition(Self.supports(dimension: dimension), "dimension \(dimension) cannot be coded")
    self.count = count
    self.dimension = dimension
    self.innerProduct = innerProduct
    var minimums = [Float](repeating: .infinity, count: dimension)
    var maximums = [Float](repeating: -.infinity, count: dimension)
    for row in 0..<count {
      let values = vectors + row * dimension
      for i in 0..<dimension {
        minimums[i] = min(minimums[i], values[i])
        maximums[i] = max(maximums[i], values[i])
      }
    }
    let ranges = count > 0 ? zip(maximums, minimums).map { $0 - $1 }.sorted() : [0]
    let widest = ranges[ranges.count - 1]
    let step: Float = widest > 0 ? widest / 255 : 1
    guard ranges[ranges.count / 2] >= Self.minimumMedianLevels * step || widest == 0 else {
      return nil
    }
    self.step = step
    codes = .allocate(capacity: max(count * dimension, 1))
    offsetProducts = .allocate(capacity: innerProduct ? max(count, 1) : 1)
    var offsetSquares: Double = 0
    for i in 0..<dimension where count > 0 { offsetSquares += Double(minimums[i] * minimums[i]) }
    base = Float(1 - offsetSquares)
    for row in 0..<count {
      let values = vectors + row * dimension
      let code = codes + row * dimension
      var product: Double = 0
      for i in 0..<dimension {
        let level = ((values[i] - minimums[i]) / step).rounded()
        code[i] = UInt8(min(255, max(0, level)))
        product += Double(minimums[i]) * Double(code[i])
      }
      if innerProduct { offsetProducts[row] = Float(product) }
    }
  }

  deinit {
    codes.deallocate()
    offsetProducts.deallocate()
  }

  /// The beam-search distance from node `node` to every node.
  package func queryDistance(forNode node: Int) -> HNSWCodeDistance {
    HNSWCodeDistance(
      query: codes + node * dimension, codes: codes, dimension: dimension,
      innerProduct: innerProduct, step: step,
      queryBase: innerProduct ? base - step * offsetProducts[node] : 0,
      offsetProducts: offsetProducts)
  }
}

/// Distance from one node's code to the others: `Σ (a − b)²` in code units for squared L2
/// (ranks as the squared L2 of the coded floats), or 1 − the coded floats' inner product.
package struct HNSWCodeDistance: HNSWQueryDistance {
  let query: UnsafePointer<UInt8>
  let codes: UnsafePointer<UInt8>
  let dimension: Int
  let innerProduct: Bool
  let step: Float
  /// 1 − Σ offsets² − step · t_query.
  let queryBase: Float
  let offsetProducts: UnsafePointer<Float>

  @inline(__always)
  package func distance(to node: Int) -> Float {
    let row = codes + node &* dimension
    if innerProduct {
      let products = Float(qh_code_dot(query, row, dimension))
      return queryBase - step * offsetProducts[node] - step * step * products
    }
    return Float(qh_code_l2sq(query, row, dimension))
  }

  @inline(__always)
  package func prefetch(_ node: Int) { prefetchLines(codes + node &* dimension, bytes: dimension) }
}
