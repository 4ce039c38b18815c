import QuiverKernels
import QuiverStorage

extension IVFIndex {
  /// The `k` nearest rows the index finds for `query` in its `nprobes` nearest partitions,
  /// nearest first, with approximate distances in the index's metric (exact for IVF_FLAT).
  ///
  /// For a refined search ask for `k × refineFactor` candidates and re-rank them exactly.
  ///
  /// - Parameters:
  ///   - query: `dimension` floats.
  ///   - k: candidates to return (fewer if the probed partitions hold fewer allowed rows).
  ///   - nprobes: partitions to scan (capped at the partition count).
  ///   - filter: when given, only rows it contains are returned; applied inside the scan, so
  ///     `k` allowed rows come back whenever the probed partitions hold them.
  ///   - metric: the metric the caller wants; a different one than the index's throws.
  /// - Throws: `IndexError` `.dimensionMismatch`, `.metricMismatch`, `.invalidArgument` (k < 0
  ///   or nprobes < 1), or `.corruptFile` / `.ioFailure` when a partition cannot be read.
  /// - Complexity: O(partitions × dimension + rows probed × bytes per row).
  public func search(
    _ query: [Float], k: Int, nprobes: Int, filter: RowSet? = nil,
    metric: DistanceMetric? = nil
  ) throws(IndexError) -> [Neighbor] {
    guard query.count == dimension else {
      throw IndexError(
        .dimensionMismatch, "query has \(query.count) dimensions; the index has \(dimension)")
    }
    return try query.withUnsafeBufferPointer { (buffer) throws(IndexError) -> [Neighbor] in
      try search(query: buffer.baseAddress!, k: k, nprobes: nprobes, filter: filter, metric: metric)
    }
  }

  /// Searches many queries (`queries.count / dimension` of them, packed) on `threads` threads;
  /// result `i` answers query `i`.
  ///
  /// - Throws: as `search(_:k:nprobes:filter:metric:)`.
  public func search(
    queries: [Float], k: Int, nprobes: Int, filter: RowSet? = nil,
    metric: DistanceMetric? = nil, threads: Int
  ) throws(IndexError) -> [[Neighbor]] {
    guard queries.count % dimension == 0 else {
      throw IndexError(
        .dimensionMismatch,
        "queries hold \(queries.count) floats, not a multiple of the dimension \(dimension)")
    }
    let count = queries.count / dimension
    var results = [[Neighbor]](repeating: [], count: count)
    var failures = [IndexError?](repeating: nil, count: count)
    let workers = max(1, min(threads, count))
    queries.withUnsafeBufferPointer { q in
      results.withUnsafeMutableBufferPointer { out in
        failures.withUnsafeMutableBufferPointer { failed in
          Parallel.forEachWorker(workers) { worker in
            var index = worker
            while index < count {
              do {
                out[index] = try search(
                  query: q.baseAddress! + index * dimension, k: k, nprobes: nprobes,
                  filter: filter, metric: metric)
              } catch {
                failed[index] = (error as? IndexError) ?? IndexError(.ioFailure, "\(error)",
                  underlying: error)
              }
              index += workers
            }
          }
        }
      }
    }
    if let failure = failures.first(where: { $0 != nil }) { throw failure! }
    return results
  }

  /// The `count` partitions nearest to `query`, nearest first (what a search with
  /// `nprobes = count` scans).
  ///
  /// - Throws: `IndexError.dimensionMismatch`.
  public func rankPartitions(_ query: [Float], count: Int) throws(IndexError) -> [PartitionScore] {
    guard query.count == dimension else {
      throw IndexError(
        .dimensionMismatch, "query has \(query.count) dimensions; the index has \(dimension)")
    }
    let prepared = preparedQuery(query)
    let sizes = statistics.partitionSizes
    return rankedPartitions(prepared, count: count).map {
      PartitionScore(partition: $0.partition, distance: $0.distance, rowCount: sizes[$0.partition])
    }
  }

  /// The query as the index compares it (unit length for cosine).
  package func preparedQuery(_ query: [Float]) -> [Float] {
    metric == .cosine ? VectorNormalization.normalized(query) : query
  }

  /// Nearest partitions of an already prepared query.
  package func rankedPartitions(_ prepared: [Float], count: Int) -> [(
    partition: Int, distance: Float
  )] {
    let partitions = partitionCount
    guard partitions > 0 else { return [] }
    let best = withUnsafeTemporaryAllocation(of: Float.self, capacity: partitions) { distances in
      prepared.withUnsafeBufferPointer { q in
        centroids.withUnsafeBufferPointer { c in
          centroidMetric.distances(
            from: q.baseAddress!, to: c.baseAddress!, count: partitions, dimension: dimension,
            into: distances.baseAddress!)
        }
      }
      return withUnsafeTemporaryAllocation(of: Neighbor.self, capacity: partitions) { scored in
        for partition in 0..<partitions {
          scored[partition] = Neighbor(id: UInt64(partition), distance: distances[partition])
        }
        return NeighborSelection.best(scored, count: count)
      }
    }
    return best.map { (Int($0.id), $0.distance) }
  }

  /// The unsafe-pointer form of `search(_:k:nprobes:filter:metric:)`.
  package func search(
    query rawQuery: UnsafePointer<Float>, k: Int, nprobes: Int, filter: RowSet?,
    metric requested: DistanceMetric?
  ) throws(IndexError) -> [Neighbor] {
    if let requested, requested != metric {
      throw IndexError(
        .metricMismatch,
        "the \(type.rawValue) index was built for \(metric.rawValue); the search asked for \(requested.rawValue)"
      )
    }
    guard k >= 0 else { throw IndexError(.invalidArgument, "k = \(k); it must not be negative") }
    guard nprobes >= 1 else {
      throw IndexError(.invalidArgument, "nprobes = \(nprobes); it must be at least 1")
    }
    guard k > 0 else { return [] }
    let query = preparedQuery(Array(UnsafeBufferPointer(start: rawQuery, count: dimension)))
    let probes = rankedPartitions(query, count: nprobes)
    try store.prefetch(probes.map(\.partition))
    if let quantizer = productQuantizer, quantizer.bits == 4 {
      let found = try query.withUnsafeBufferPointer { (q) throws(IndexError) in
        try fastScanProbes(query: q.baseAddress!, probes: probes, k: k, filter: filter)
      }
      return approximateDistancesInMetric(found)
    }
    let largest = probes.map { statistics.partitionSizes[$0.partition] }.max() ?? 0
    var top = TopK(k: k)
    var scratch = [Float](repeating: 0, count: max(largest, 1))
    var work = [Float](repeating: 0, count: max(productQuantizer?.lookupTableCount ?? 0, dimension))
    let dimension = self.dimension
    try query.withUnsafeBufferPointer { (q) throws(IndexError) in
      try scratch.withUnsafeMutableBufferPointer { (out) throws(IndexError) in
        try work.withUnsafeMutableBufferPointer { (workBuffer) throws(IndexError) in
          let q = q.baseAddress!
          let out = out.baseAddress!
          let work = workBuffer.baseAddress!
          switch quantizer {
          case nil:
            let scanMetric: DistanceMetric = metric == .l2 ? .l2 : .dot
            for probe in probes {
              let partition = try store.partition(probe.partition)
              guard partition.rowCount > 0 else { continue }
              partition.vectors.withUnsafeBufferPointer { v in
                scanMetric.distances(
                  from: q, to: v.baseAddress!, count: partition.rowCount, dimension: dimension,
                  into: out)
              }
              collect(out, partition: partition, filter: filter, into: &top)
            }
          case .product(let quantizer)?:
            quantizer.lookupTable(query: q, innerProduct: true, into: work)
            let withRowTerms = metric != .dot
            for probe in probes {
              let partition = try store.partition(probe.partition)
              let rows = partition.rowCount
              guard rows > 0 else { continue }
              partition.codes.withUnsafeBufferPointer { codes in
                quantizer.scan(lut: work, codes: codes.baseAddress!, count: rows, into: out)
              }
              let base = probe.distance
              if withRowTerms {
                // ‖q − c − r̂‖² = ‖q − c‖² − 2 q·r̂ + (2 c·r̂ + ‖r̂‖²); the scan gave −q·r̂.
                partition.rowTerms.withUnsafeBufferPointer { terms in
                  for j in 0..<rows { out[j] = base + 2 * out[j] + terms[j] }
                }
              } else {
                // 1 − q·x = (1 − q·c) − q·r̂.
                for j in 0..<rows { out[j] += base }
              }
              collect(out, partition: partition, filter: filter, into: &top)
            }
          case .scalar(let quantizer)?:
            if metric == .dot {
              let constant = quantizer.prepareInnerProduct(query: q, into: work)
              for probe in probes {
                let partition = try store.partition(probe.partition)
                let rows = partition.rowCount
                guard rows > 0 else { continue }
                partition.codes.withUnsafeBufferPointer { codes in
                  quantizer.scanInnerProduct(
                    weights: work, codes: codes.baseAddress!, count: rows, into: out)
                }
                // 1 − q·x = (1 − q·c) − q·offsets − Σ weights·code.
                let base = probe.distance - constant
                for j in 0..<rows { out[j] = base - out[j] }
                collect(out, partition: partition, filter: filter, into: &top)
              }
            } else {
              for probe in probes {
                let partition = try store.partition(probe.partition)
                let rows = partition.rowCount
                guard rows > 0 else { continue }
                let centroid = probe.partition * dimension
                centroids.withUnsafeBufferPointer { c in
                  for i in 0..<dimension { work[i] = q[i] - c[centroid + i] }
                }
                quantizer.prepareSquaredL2(query: work, into: work)
                partition.codes.withUnsafeBufferPointer { codes in
                  quantizer.scanSquaredL2(
                    prepared: work, codes: codes.baseAddress!, count: rows, into: out)
                }
                collect(out, partition: partition, filter: filter, into: &top)
              }
            }
          }
        }
      }
    }
    return approximateDistancesInMetric(top.sorted())
  }

  /// Scanned distances in the index's metric: quantized cosine indexes compare unit vectors by
  /// squared L2, twice the cosine distance.
  private func approximateDistancesInMetric(_ scanned: [Neighbor]) -> [Neighbor] {
    guard metric == .cosine && type != .ivfFlat else { return scanned }
    var result = scanned
    for index in result.indices { result[index].distance *= 0.5 }
    return result
  }

  /// Offers the scanned rows of `partition` whose distance can enter `top` and that pass the
  /// filter.
  @inline(__always)
  private func collect(
    _ distances: UnsafeMutablePointer<Float>, partition: IVFPartition, filter: RowSet?,
    into top: inout TopK
  ) {
    partition.rowIds.withUnsafeBufferPointer { ids in
      var threshold = top.threshold
      for j in 0..<ids.count where distances[j] <= threshold {
        let id = ids[j]
        if let filter, !filter.contains(id) { continue }
        top.insert(id: id, distance: distances[j])
        threshold = top.threshold
      }
    }
  }
}
