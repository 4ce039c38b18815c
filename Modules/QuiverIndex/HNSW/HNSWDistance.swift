import CQuiverHNSW
import CQuiverKernels
import QuiverKernels

/// The distance from one fixed query to the nodes of a graph: what the graph walk calls in its
/// hot loop. Conforming types are small structs holding pointers, so that a generic walk
/// specialised on them makes a direct call per distance (no existential, no closure).
///
/// Conformers: `HNSWFloatL2Distance`, `HNSWFloatInnerProductDistance` (raw float vectors),
/// `HNSWScalarQuantizedDistance` (SQ8 codes), `HNSWProductQuantizedDistance` (PQ codes).
package protocol HNSWQueryDistance {
  /// The distance from the query to `node` (0 ..< node count); smaller is closer.
  func distance(to node: Int) -> Float
  /// Starts loading what `distance(to: node)` will read (its first cache lines).
  func prefetch(_ node: Int)
}

/// The vectors a graph is built over: it gives a query-bound distance for each node (the node
/// being inserted is the query) and node-to-node distances for the neighbour heuristic.
package protocol HNSWBuildSpace: Sendable {
  /// The query-bound distance type the insertion walk is specialised on.
  associatedtype QueryDistance: HNSWQueryDistance
  /// The number of nodes.
  var count: Int { get }
  /// The distance from node `node` to every other node.
  func queryDistance(forNode node: Int) -> QueryDistance
  /// The distance between two nodes.
  func distance(between a: Int, and b: Int) -> Float
  /// Byte codes of the nodes for the insertion's beam search (which then reads them instead of
  /// the space's vectors and re-ranks what it finds with exact distances), or nil to search
  /// with `queryDistance` alone. Called once per build.
  func makeBuildCodes() -> HNSWBuildCodes?
}

extension HNSWBuildSpace {
  /// No codes: the beam search uses exact distances.
  package func makeBuildCodes() -> HNSWBuildCodes? { nil }
}

/// How a walk compares two float rows: squared L2 or 1 − inner product.
package protocol HNSWFloatComparison {
  /// The distance between the `dimension` floats at `a` and at `b`.
  static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int)
    -> Float
}

/// Squared L2: the `l2` metric.
package enum HNSWSquaredL2: HNSWFloatComparison {
  @inline(__always)
  package static func distance(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int
  ) -> Float {
    qk_l2sq_f32(a, b, dimension)
  }
}

/// 1 − a·b: the `dot` metric, and `cosine` when both rows are normalised.
package enum HNSWOneMinusInnerProduct: HNSWFloatComparison {
  @inline(__always)
  package static func distance(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int
  ) -> Float {
    1 - qk_dot_f32(a, b, dimension)
  }
}

/// The distance from a float query to rows of a dense float matrix, by `Comparison` (fixed at
/// compile time, so the walk specialised on it calls the kernel directly).
package struct HNSWFloatDistance<Comparison: HNSWFloatComparison>: HNSWQueryDistance {
  let query: UnsafePointer<Float>
  let vectors: UnsafePointer<Float>
  let dimension: Int

  /// Binds `query` (`dimension` floats) to the row-major `vectors`; both must outlive the value.
  package init(query: UnsafePointer<Float>, vectors: UnsafePointer<Float>, dimension: Int) {
    self.query = query
    self.vectors = vectors
    self.dimension = dimension
  }

  @inline(__always)
  package func distance(to node: Int) -> Float {
    Comparison.distance(query, vectors + node &* dimension, dimension: dimension)
  }

  @inline(__always)
  package func prefetch(_ node: Int) { prefetchFloatRow(vectors + node &* dimension) }
}

/// Squared L2 from a float query to rows of a dense float matrix.
package typealias HNSWFloatL2Distance = HNSWFloatDistance<HNSWSquaredL2>

/// 1 − q·x from a float query to rows of a dense float matrix.
package typealias HNSWFloatInnerProductDistance = HNSWFloatDistance<HNSWOneMinusInnerProduct>

/// Starts loading the first `bytes` bytes at `address`, one cache line (64 bytes) at a time.
@inline(__always)
func prefetchLines(_ address: UnsafeRawPointer, bytes: Int) {
  var offset = 0
  while offset < bytes {
    qh_prefetch(address + offset)
    offset &+= 64
  }
}

/// Starts loading the first four cache lines of a float row: the part a walk's distance reads
/// first (the hardware prefetcher follows on from there).
@inline(__always)
func prefetchFloatRow(_ row: UnsafePointer<Float>) { prefetchLines(row, bytes: 256) }

/// A dense row-major float matrix as a build space, under squared L2 or 1 − inner product.
///
/// For `cosine`, the caller stores normalised rows and builds with `innerProduct: true`
/// (1 − cos = 1 − q·x on unit vectors).
package struct HNSWFloatBuildSpace: HNSWBuildSpace, @unchecked Sendable {
  // @unchecked: the pointer is only read, and its owner keeps it alive and unchanged for the
  // whole build.
  let vectors: UnsafePointer<Float>
  let dimension: Int
  package let count: Int
  let innerProduct: Bool

  /// Wraps `count × dimension` floats at `vectors`.
  package init(vectors: UnsafePointer<Float>, count: Int, dimension: Int, innerProduct: Bool) {
    self.vectors = vectors
    self.count = count
    self.dimension = dimension
    self.innerProduct = innerProduct
  }

  package func queryDistance(forNode node: Int) -> HNSWFloatSpaceDistance {
    HNSWFloatSpaceDistance(
      query: vectors + node * dimension, vectors: vectors, dimension: dimension,
      innerProduct: innerProduct)
  }

  /// Codes of the rows on one step (`HNSWBuildCodes`), unless the dimension is too large for
  /// the integer kernels or the dimensions' ranges too uneven for one step.
  package func makeBuildCodes() -> HNSWBuildCodes? {
    guard HNSWBuildCodes.supports(dimension: dimension) else { return nil }
    return HNSWBuildCodes(
      vectors: vectors, count: count, dimension: dimension, innerProduct: innerProduct)
  }

  package func distance(between a: Int, and b: Int) -> Float {
    queryDistance(forNode: a).distance(to: b)
  }
}

/// The build space's query distance: one well-predicted branch on the metric per call.
package struct HNSWFloatSpaceDistance: HNSWQueryDistance {
  let query: UnsafePointer<Float>
  let vectors: UnsafePointer<Float>
  let dimension: Int
  let innerProduct: Bool

  @inline(__always)
  package func distance(to node: Int) -> Float {
    let row = vectors + node &* dimension
    return innerProduct
      ? HNSWOneMinusInnerProduct.distance(query, row, dimension: dimension)
      : HNSWSquaredL2.distance(query, row, dimension: dimension)
  }

  @inline(__always)
  package func prefetch(_ node: Int) { prefetchFloatRow(vectors + node &* dimension) }
}
