import Foundation
import QuiverKernels
import QuiverStorage

/// The `HNSW` index: one graph over all rows, walked over the float vectors it holds.
///
/// Build with `build(vectors:dimension:rowIds:metric:parameters:)`, search with
/// `search(_:k:ef:scratch:)` (optionally with a row filter). For `cosine` the rows and queries
/// are normalised and compared by inner product; `dot` is 1 − a·b; `l2` is squared L2.
/// Distances returned are those of `DistanceMetric`.
public final class HNSWIndex: Sendable {
  /// The metric the graph was built for; searches use it.
  public let metric: DistanceMetric
  /// Floats per vector.
  public let dimension: Int
  /// How the graph was built.
  public let parameters: HNSWParameters
  /// The graph over the rows (node `i` is row `rowIds[i]`).
  public let graph: HNSWGraph
  let vectors: HNSWFloatVectors
  let rows: HNSWRowMap
  let scratchPool: HNSWScratchPool

  /// A filtered search scans the allowed rows instead of walking the graph when
  /// allowed ≤ `exactScanFactor` × rows^0.3. The filtered walk must gather `ef` allowed rows, so
  /// its cost grows as selectivity falls, while the scan's grows with the allowed count; the
  /// crossover measured on pkgdesc-minilm (m 16, efConstruction 200, ef 32, k 10) was about
  /// 2,500 allowed of 10,000 rows and 5,000 of 100,000 (Docs/Benchmarks.md, "Filtered search").
  public static let exactScanFactor = 156.0

  /// Whether a filter allowing `allowed` of `rows` rows is answered by an exact scan.
  public static func prefersExactScan(allowed: Int, rows: Int) -> Bool {
    Double(allowed) <= exactScanFactor * pow(Double(max(rows, 1)), 0.3)
  }

  init(
    metric: DistanceMetric, dimension: Int, parameters: HNSWParameters, graph: HNSWGraph,
    vectors: HNSWFloatVectors, rows: HNSWRowMap
  ) {
    self.metric = metric
    self.dimension = dimension
    self.parameters = parameters
    self.graph = graph
    self.vectors = vectors
    self.rows = rows
    scratchPool = HNSWScratchPool(nodeCount: vectors.count)
  }

  /// The number of indexed rows.
  public var count: Int { vectors.count }

  /// Bytes held in memory: vectors, graph and row ids.
  public var byteCount: Int { vectors.byteCount + graph.byteCount + rows.rowIds.count * 8 }

  /// The `ef` used when a search gives none: measured on pkgdesc-minilm (Docs/Benchmarks.md)
  /// as the smallest width reaching recall@10 ≥ 0.95 with the default build parameters,
  /// scaled with `k`.
  /// Saturates at `Int.max` instead of overflowing for huge `k`.
  public static func defaultEf(k: Int) -> Int {
    let (widened, overflow) = k.addingReportingOverflow(k / 2)
    return overflow ? Int.max : max(32, widened)
  }

  /// Builds the index over `vectors` (`count × dimension` floats, row-major).
  ///
  /// - Parameters:
  ///   - rowIds: the row id of each vector (default 0 ..< count).
  ///   - dimension: The number of floats per vector.
  ///   - metric: The distance metric.
  ///   - parameters: The build parameters.
  ///   - vectors: The vectors, `count × dimension` floats, row-major.
  /// - Throws: `IndexError` `.invalidArgument` for a zero dimension, a length that is not a
  ///   whole number of rows or a row-id count that differs from the row count;
  ///   `.nonFiniteValue` for NaN or infinite values; `.invalidParameter` for bad `parameters`.
  public static func build(
    vectors: [Float], dimension: Int, rowIds: [UInt64]? = nil, metric: DistanceMetric,
    parameters: HNSWParameters = HNSWParameters()
  ) throws(IndexError) -> HNSWIndex {
    try parameters.validate()
    try HNSWIndex.validateVectors(vectors, dimension: dimension, rowIds: rowIds)
    let count = vectors.count / dimension
    let stored = vectors.withUnsafeBufferPointer {
      HNSWFloatVectors(copying: $0, dimension: dimension, metric: metric)
    }
    let graph = try HNSWGraphBuilder.build(space: stored.buildSpace, parameters: parameters)
    return HNSWIndex(
      metric: metric, dimension: dimension, parameters: parameters, graph: graph,
      vectors: stored, rows: HNSWRowMap(rowIds: rowIds ?? (0..<UInt64(count)).map { $0 }))
  }

  static func validateVectors(_ vectors: [Float], dimension: Int, rowIds: [UInt64]?)
    throws(IndexError)
  {
    guard dimension > 0 else {
      throw IndexError(.invalidArgument, "dimension = \(dimension) must be positive")
    }
    guard vectors.count % dimension == 0 else {
      throw IndexError(
        .invalidArgument,
        "vectors hold \(vectors.count) floats, not a multiple of the dimension \(dimension)")
    }
    if let rowIds, rowIds.count != vectors.count / dimension {
      throw IndexError(
        .invalidArgument,
        "rowIds has \(rowIds.count) ids for \(vectors.count / dimension) vectors")
    }
    if let bad = vectors.firstIndex(where: { !$0.isFinite }) {
      throw IndexError(
        .nonFiniteValue,
        "vector \(bad / dimension) has a non-finite value at dimension \(bad % dimension)")
    }
  }

  func validateQuery(_ query: [Float], k: Int, ef: Int?) throws(IndexError) {
    guard query.count == dimension else {
      throw IndexError(
        .dimensionMismatch, "query has \(query.count) dimensions, the index \(dimension)")
    }
    guard k > 0 else { throw IndexError(.invalidArgument, "k = \(k) must be positive") }
    if let ef, ef < 1 { throw IndexError(.invalidArgument, "ef = \(ef) must be positive") }
  }

  /// Makes working memory for searches on one thread.
  public func makeScratch() -> HNSWSearchScratch { HNSWSearchScratch(nodeCount: count) }

  /// The `k` nearest rows to `query`, nearest first, with their distances.
  ///
  /// - Parameters:
  ///   - ef: the layer-0 candidate list width (default `defaultEf(k:)`); larger is slower and
  ///     more accurate.
  ///   - scratch: working memory from `makeScratch()` to reuse across queries on one thread
  ///     (without one, a scratch is borrowed from the index's pool).
  ///   - k: How many nearest rows to return.
  ///   - query: The query vector (`dimension` floats).
  /// - Throws: `IndexError.dimensionMismatch` for a query of the wrong dimension,
  ///   `.invalidArgument` for `k` < 1 or `ef` < 1.
  public func search(
    _ query: [Float], k: Int, ef: Int? = nil, scratch: HNSWSearchScratch? = nil
  ) throws(IndexError) -> [Neighbor] {
    try search(query, k: k, ef: ef, filter: nil, scratch: scratch)
  }

  /// The `k` nearest rows to `query` among those `filter` allows, nearest first.
  ///
  /// The walk passes through rows the filter rejects but returns only allowed ones; when the
  /// filter allows few rows (`prefersExactScan(allowed:rows:)`), they are scanned exactly
  /// instead. `exactScan` forces one way (true: scan, false: walk), for benchmarks.
  /// - Throws: as `search(_:k:ef:scratch:)`.
  public func search(
    _ query: [Float], k: Int, ef: Int? = nil, filter: RowSet?,
    scratch: HNSWSearchScratch? = nil, exactScan: Bool? = nil
  ) throws(IndexError) -> [Neighbor] {
    try validateQuery(query, k: k, ef: ef)
    let prepared = metric == .cosine ? VectorNormalization.normalized(query) : query
    let width = ef ?? HNSWIndex.defaultEf(k: k)
    return prepared.withUnsafeBufferPointer { queryBuffer in
      let queryPointer = queryBuffer.baseAddress!
      if let filter,
        exactScan ?? HNSWIndex.prefersExactScan(allowed: filter.count, rows: count)
      {
        return scanAllowedRows(query: queryPointer, k: k, filter: filter)
      }
      guard let scratch else {
        return scratchPool.withScratch { pooled in
          search(prepared: queryPointer, k: k, width: width, filter: filter, scratch: pooled)
        }
      }
      return search(prepared: queryPointer, k: k, width: width, filter: filter, scratch: scratch)
    }
  }

  /// The walk over the graph for a prepared (normalised for cosine) query.
  func search(
    prepared queryPointer: UnsafePointer<Float>, k: Int, width: Int, filter: RowSet?,
    scratch: HNSWSearchScratch
  ) -> [Neighbor] {
    let found =
      vectors.usesInnerProduct
      ? walk(
        HNSWFloatInnerProductDistance(
          query: queryPointer, vectors: vectors.values, dimension: dimension),
        k: k, width: width, filter: filter, scratch: scratch)
      : walk(
        HNSWFloatL2Distance(query: queryPointer, vectors: vectors.values, dimension: dimension),
        k: k, width: width, filter: filter, scratch: scratch)
    return found.map { Neighbor(id: rows.rowIds[Int($0.id)], distance: reported($0.distance)) }
  }

  /// The graph walk under `distance`, through `filter` when there is one (generic, so each
  /// distance and filter gets its own specialised walk).
  private func walk<Distance: HNSWQueryDistance>(
    _ distance: Distance, k: Int, width: Int, filter: RowSet?, scratch: HNSWSearchScratch
  ) -> [Neighbor] {
    guard let filter else {
      return graph.search(
        distance: distance, k: k, ef: width, filter: HNSWAllowAllNodes(), scratch: scratch)
    }
    return rows.rowIds.withUnsafeBufferPointer { rowIds in
      graph.search(
        distance: distance, k: k, ef: width,
        filter: HNSWRowFilterNodeFilter(rowIds: rowIds.baseAddress!, filter: filter),
        scratch: scratch)
    }
  }

  /// Exact distances to every allowed row of this index.
  func scanAllowedRows(query: UnsafePointer<Float>, k: Int, filter: RowSet)
    -> [Neighbor]
  {
    var top = TopK(k: k)
    let base = vectors.values
    let innerProduct = vectors.usesInnerProduct
    func offer(_ rowId: UInt64, _ node: Int) {
      let row = base + node * dimension
      let distance =
        innerProduct
        ? DistanceMetric.dot.distance(query, row, dimension: dimension)
        : DistanceMetric.l2.distance(query, row, dimension: dimension)
      top.insert(id: rowId, distance: reported(distance))
    }
    // Look the allowed rows up when they are fewer than the rows; else test every row.
    if filter.count < rows.rowIds.count {
      filter.forEach { rowId in
        if let node = rows.node(of: rowId) { offer(rowId, node) }
      }
    } else {
      for (node, rowId) in rows.rowIds.enumerated() where filter.contains(rowId) {
        offer(rowId, node)
      }
    }
    return top.sorted()
  }

  /// The metric's distance from the walk's: cosine is clamped to [0, 2] as `DistanceMetric`
  /// does (1 − q·x on unit vectors can round just below 0).
  @inline(__always)
  func reported(_ distance: Float) -> Float {
    metric == .cosine ? min(2, max(0, distance)) : distance
  }
}
