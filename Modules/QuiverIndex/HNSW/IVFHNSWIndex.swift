import CQuiverKernels
import QuiverKernels
import QuiverStorage

/// `IVF_HNSW_SQ` and `IVF_HNSW_PQ`: k-means partitions, each with an HNSW graph over the
/// quantized residuals (row − partition centroid) of its rows. A search ranks the centroids,
/// walks the graphs of the `nprobes` nearest partitions with `ef`, and merges the results.
///
/// Graphs are built with exact float distances and walked with quantized ones. Distances
/// returned are approximations of the metric's (`DistanceMetric`), for the caller to refine.
public final class IVFHNSWIndex: Sendable {
  /// How the index was built.
  public let parameters: IVFHNSWParameters
  /// Floats per vector.
  public let dimension: Int
  /// Rows indexed.
  public let rowCount: Int
  /// `partitionCount × dimension` centroids (of the normalised vectors for cosine).
  let centroids: [Float]
  let quantizer: ResidualQuantizer
  let partitions: PartitionCache<IVFHNSWPartition>
  /// The fragments of the partitions loaded so far.
  let partitionFragments: PartitionFragmentRecord
  let scratchPool = HNSWScratchPool(nodeCount: 0)

  init(
    parameters: IVFHNSWParameters, dimension: Int, rowCount: Int, centroids: [Float],
    quantizer: ResidualQuantizer, partitions: PartitionCache<IVFHNSWPartition>,
    partitionFragments: PartitionFragmentRecord
  ) {
    self.parameters = parameters
    self.dimension = dimension
    self.rowCount = rowCount
    self.centroids = centroids
    self.quantizer = quantizer
    self.partitions = partitions
    self.partitionFragments = partitionFragments
  }

  /// The index type (`.ivfHNSWSQ` or `.ivfHNSWPQ`).
  public var type: IndexType { parameters.type }
  /// The metric searches use.
  public var metric: DistanceMetric { parameters.metric }
  /// The number of partitions.
  public var partitionCount: Int { partitions.count }
  /// How many partitions are in memory (all, for an index built in memory).
  public var loadedPartitionCount: Int { partitions.cachedPartitionCount }

  /// The partitions a search probes when it gives no `nprobes`: all of them up to 4, then a
  /// quarter (Docs/Benchmarks.md).
  public func defaultProbes() -> Int { partitionCount <= 4 ? partitionCount : max(4, partitionCount / 4) }

  /// Bytes of centroids, quantizer and the loaded partitions.
  public var byteCount: Int {
    var total = (centroids.count + quantizer.modelFloats.count) * 4
    for index in 0..<partitionCount {
      if let partition = try? partitions.partition(index) { total += partition.byteCount }
    }
    return total
  }

  /// Makes working memory for searches on one thread.
  public func makeScratch() -> HNSWSearchScratch { HNSWSearchScratch(nodeCount: 0) }

  /// The `k` nearest rows to `query` (approximate distances), nearest first.
  ///
  /// - Parameters:
  ///   - nprobes: partitions to walk (default `defaultProbes()`), clamped to the count.
  ///   - ef: each graph walk's candidate list width (default `HNSWIndex.defaultEf(k:)`).
  ///   - k: How many nearest rows to return.
  ///   - query: The query vector (`dimension` floats).
  ///   - scratch: Working memory from `makeScratch()` to reuse across queries on one thread.
  /// - Throws: `IndexError.dimensionMismatch`, `.invalidArgument` (k, ef or nprobes < 1),
  ///   `.corruptFile` / `.ioFailure` when a partition cannot be loaded.
  public func search(
    _ query: [Float], k: Int, nprobes: Int? = nil, ef: Int? = nil,
    scratch: HNSWSearchScratch? = nil
  ) throws(IndexError) -> [Neighbor] {
    try search(
      query, k: k, nprobes: nprobes, ef: ef, filter: nil,
      scratch: scratch)
  }

  /// The `k` nearest rows to `query` among those `filter` allows, nearest first. The walks
  /// pass through rejected rows; when the filter allows at most
  /// few rows (`HNSWIndex.prefersExactScan(allowed:rows:)`), the allowed rows of the probed partitions are
  /// scanned instead. `exactScan` forces one way (true: scan, false: walk).
  public func search(
    _ query: [Float], k: Int, nprobes: Int? = nil, ef: Int? = nil, filter: RowSet?,
    scratch: HNSWSearchScratch? = nil, exactScan: Bool? = nil
  ) throws(IndexError) -> [Neighbor] {
    guard query.count == dimension else {
      throw IndexError(
        .dimensionMismatch, "query has \(query.count) dimensions, the index \(dimension)")
    }
    guard k > 0 else { throw IndexError(.invalidArgument, "k = \(k) must be positive") }
    if let ef, ef < 1 { throw IndexError(.invalidArgument, "ef = \(ef) must be positive") }
    if let nprobes, nprobes < 1 {
      throw IndexError(.invalidArgument, "nprobes = \(nprobes) must be positive")
    }
    guard rowCount > 0 else { return [] }
    let prepared = metric == .cosine ? VectorNormalization.normalized(query) : query
    let probes = min(nprobes ?? defaultProbes(), partitionCount)
    let width = ef ?? HNSWIndex.defaultEf(k: k)
    let scan =
      filter.map {
        exactScan ?? HNSWIndex.prefersExactScan(allowed: $0.count, rows: rowCount)
      } ?? false
    guard let scratch else {
      return try scratchPool.withScratch { (pooled) throws(IndexError) in
        try search(
          query, k: k, nprobes: nprobes, ef: ef, filter: filter, scratch: pooled,
          exactScan: exactScan)
      }
    }
    var top = TopK(k: k)
    let ranked = rankPartitions(prepared, probes: probes)
    var work = [Float](repeating: 0, count: dimension)
    var table = [Float]()
    if case .product(let pq) = quantizer { table = [Float](repeating: 0, count: pq.lookupTableCount) }
    for (partitionIndex, centroidTerm) in ranked {
      let partition = try partitions.partition(partitionIndex)
      guard partition.count > 0 else { continue }
      centroids.withUnsafeBufferPointer { centroidBuffer in
      prepared.withUnsafeBufferPointer { queryBuffer in
        work.withUnsafeMutableBufferPointer { workBuffer in
          table.withUnsafeMutableBufferPointer { tableBuffer in
            partition.codes.withUnsafeBufferPointer { codes in
              let centroid = centroidBuffer.baseAddress! + partitionIndex * dimension
              probe(
                partition, centroid: centroid, centroidTerm: centroidTerm,
                query: queryBuffer.baseAddress!, work: workBuffer.baseAddress!,
                table: tableBuffer.baseAddress, codes: codes.baseAddress!, k: k, ef: width,
                filter: filter, scan: scan, scratch: scratch, into: &top)
            }
          }
        }
      }
      }
    }
    return top.sorted().map {
      Neighbor(id: $0.id, distance: metric == .cosine ? min(2, max(0, $0.distance)) : $0.distance)
    }
  }

  /// The `probes` nearest partitions with q·c (used by the dot metric's distances).
  func rankPartitions(_ query: [Float], probes: Int) -> [(Int, Float)] {
    let count = partitionCount
    var distances = [Float](repeating: 0, count: count)
    var innerProducts = [Float](repeating: 0, count: count)
    query.withUnsafeBufferPointer { q in
      centroids.withUnsafeBufferPointer { c in
        for index in 0..<count {
          let centroid = c.baseAddress! + index * dimension
          let dot = qk_dot_f32(q.baseAddress!, centroid, dimension)
          innerProducts[index] = dot
          distances[index] =
            metric == .dot ? 1 - dot : qk_l2sq_f32(q.baseAddress!, centroid, dimension)
        }
      }
    }
    var top = TopK(k: probes)
    for index in 0..<count { top.insert(id: UInt64(index), distance: distances[index]) }
    return top.sorted().map { (Int($0.id), innerProducts[Int($0.id)]) }
  }

  /// Prepares the query for one partition and walks (or scans) it.
  private func probe(
    _ partition: IVFHNSWPartition, centroid: UnsafePointer<Float>, centroidTerm: Float,
    query: UnsafePointer<Float>, work: UnsafeMutablePointer<Float>,
    table: UnsafeMutablePointer<Float>?, codes: UnsafePointer<UInt8>, k: Int, ef: Int,
    filter: RowSet?, scan: Bool, scratch: HNSWSearchScratch, into top: inout TopK
  ) {
    let innerProduct = metric == .dot
    let multiplier: Float = metric == .cosine ? 0.5 : 1
    // l2 / cosine compare q − c with the residual codes; dot uses q·x = q·c + q·r.
    if !innerProduct {
      for i in 0..<dimension { work[i] = query[i] - centroid[i] }
    }
    switch quantizer {
    case .scalar(let sq):
      sq.offsets.withUnsafeBufferPointer { offsets in
        sq.scales.withUnsafeBufferPointer { scales in
          if innerProduct {
            var constant: Float = 0
            for i in 0..<dimension {
              work[i] = query[i] * scales[i]
              constant += query[i] * offsets[i]
            }
            walk(
              partition,
              distance: HNSWScalarQuantizedInnerProductDistance(
                weights: work, codes: codes, dimension: dimension,
                base: 1 - centroidTerm - constant),
              k: k, ef: ef, filter: filter, scan: scan, scratch: scratch, into: &top)
          } else {
            for i in 0..<dimension { work[i] -= offsets[i] }
            walk(
              partition,
              distance: HNSWScalarQuantizedL2Distance(
                queryMinusOffset: work, scales: scales.baseAddress!, codes: codes,
                dimension: dimension, multiplier: multiplier),
              k: k, ef: ef, filter: filter, scan: scan, scratch: scratch, into: &top)
          }
        }
      }
    case .product(let pq):
      let lookupTable = table!
      pq.lookupTable(
        query: innerProduct ? query : UnsafePointer(work), innerProduct: innerProduct,
        into: lookupTable)
      let base: Float = innerProduct ? 1 - centroidTerm : 0
      if pq.bits == 8 {
        walk(
          partition,
          distance: HNSWProductQuantized8Distance(
            lookupTable: lookupTable, codes: codes, subVectorCount: pq.subVectorCount,
            base: base, multiplier: multiplier),
          k: k, ef: ef, filter: filter, scan: scan, scratch: scratch, into: &top)
      } else {
        walk(
          partition,
          distance: HNSWProductQuantized4Distance(
            lookupTable: lookupTable, codes: codes, subVectorCount: pq.subVectorCount,
            base: base, multiplier: multiplier),
          k: k, ef: ef, filter: filter, scan: scan, scratch: scratch, into: &top)
      }
    }
  }

  /// Walks one partition's graph (or scans its allowed rows) and offers the results to `top`.
  private func walk<Distance: HNSWQueryDistance>(
    _ partition: IVFHNSWPartition, distance: Distance, k: Int, ef: Int, filter: RowSet?,
    scan: Bool, scratch: HNSWSearchScratch, into top: inout TopK
  ) {
    let rowIds = partition.rows.rowIds
    guard let filter else {
      let found = partition.graph.search(
        distance: distance, k: k, ef: ef, filter: HNSWAllowAllNodes(), scratch: scratch)
      for neighbor in found { top.insert(id: rowIds[Int(neighbor.id)], distance: neighbor.distance) }
      return
    }
    if scan {
      // Look the allowed rows up when they are fewer than the partition's; else test each row.
      if filter.count < rowIds.count {
        filter.forEach { rowId in
          if let node = partition.rows.node(of: rowId) {
            top.insert(id: rowId, distance: distance.distance(to: node))
          }
        }
      } else {
        for (node, rowId) in rowIds.enumerated() where filter.contains(rowId) {
          top.insert(id: rowId, distance: distance.distance(to: node))
        }
      }
      return
    }
    let found = rowIds.withUnsafeBufferPointer { ids in
      partition.graph.search(
        distance: distance, k: k, ef: ef,
        filter: HNSWRowFilterNodeFilter(rowIds: ids.baseAddress!, filter: filter),
        scratch: scratch)
    }
    for neighbor in found { top.insert(id: rowIds[Int(neighbor.id)], distance: neighbor.distance) }
  }
}
