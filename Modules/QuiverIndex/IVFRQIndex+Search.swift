import QuiverKernels
import QuiverStorage

extension IVFRQIndex {
  /// The `k` nearest rows the index finds for `query` in its `nprobes` nearest partitions,
  /// nearest first, with estimated distances in the index's metric.
  ///
  /// Per probed partition: one popcount scan of the sign codes estimates every row's distance
  /// with an error bound (`RaBitQuantizer`); a row whose estimate minus its bound cannot enter
  /// the current top `k` is dropped, the others (allowed by `filter`) are estimated again from
  /// their full codes (when `numBits > 1`) and offered to the top `k`.
  ///
  /// - Parameters:
  ///   - k: candidates to return (fewer if the probed partitions hold fewer allowed rows).
  ///   - nprobes: partitions to scan (capped at the partition count).
  ///   - filter: when given, only rows it contains are returned; applied inside the scan.
  /// - Throws: `IndexError` `.dimensionMismatch`, `.invalidArgument` (k < 0 or nprobes < 1),
  ///   `.corruptFile` / `.ioFailure` when a partition cannot be read.
  /// - Complexity: O(partitions × dimension + dimension² + rows probed × bits × dimension / 64).
  public func search(_ query: [Float], k: Int, nprobes: Int, filter: RowSet? = nil)
    throws(IndexError) -> [Neighbor]
  {
    guard query.count == dimension else {
      throw IndexError(
        .dimensionMismatch, "query has \(query.count) dimensions; the index has \(dimension)")
    }
    guard k >= 0 else { throw IndexError(.invalidArgument, "k = \(k); it must not be negative") }
    guard nprobes >= 1 else {
      throw IndexError(.invalidArgument, "nprobes = \(nprobes); it must be at least 1")
    }
    guard k > 0, rowCount > 0 else { return [] }
    let prepared = metric == .cosine ? VectorNormalization.normalized(query) : query
    var scan = RaBitQPartitionScan(index: self, query: prepared, k: k, filter: filter)
    for probe in rankedPartitions(prepared, count: nprobes) {
      try scan.scan(partition: probe.partition, centroidDistance: probe.distance)
    }
    var result = scan.top.sorted()
    if metric == .cosine {
      // Squared L2 between unit vectors is twice the cosine distance.
      for index in result.indices { result[index].distance *= 0.5 }
    }
    return result
  }

  /// The `count` partitions nearest to an already prepared query, nearest first, with the
  /// centroid distance (squared L2, or 1 − q·c for dot).
  func rankedPartitions(_ prepared: [Float], count: Int) -> [(partition: Int, distance: Float)] {
    var distances = [Float](repeating: 0, count: partitionCount)
    prepared.withUnsafeBufferPointer { q in
      centroids.withUnsafeBufferPointer { c in
        distances.withUnsafeMutableBufferPointer { out in
          centroidMetric.distances(
            from: q.baseAddress!, to: c.baseAddress!, count: partitionCount,
            dimension: dimension, into: out.baseAddress!)
        }
      }
    }
    var top = TopK(k: min(count, partitionCount))
    for (partition, distance) in distances.enumerated() {
      top.insert(id: UInt64(partition), distance: distance)
    }
    return top.sorted().map { (Int($0.id), $0.distance) }
  }
}

/// One query's walk over IVF_RQ partitions: the rotated query, the prepared integers and the
/// top `k` so far.
struct RaBitQPartitionScan {
  let index: IVFRQIndex
  let filter: RowSet?
  /// The query rotated (P·q).
  var rotatedQuery: [Float]
  /// The query's residual to the current partition's centroid, rotated.
  var residual: [Float]
  var prepared: RaBitQQuery
  /// The sign-scan sums of the current partition's rows.
  var sums: [UInt32] = []
  var top: TopK

  init(index: IVFRQIndex, query: [Float], k: Int, filter: RowSet?) {
    self.index = index
    self.filter = filter
    let dimension = index.dimension
    var rotated = [Float](repeating: 0, count: dimension)
    query.withUnsafeBufferPointer { q in
      rotated.withUnsafeMutableBufferPointer { out in
        index.rotation.rotate(q.baseAddress!, into: out.baseAddress!)
      }
    }
    rotatedQuery = rotated
    residual = rotated
    prepared = RaBitQQuery(dimension: dimension, words: index.quantizer.words)
    top = TopK(k: k)
    if index.metric == .dot {
      // q·x = q·c + q·r: the centroid term comes from ranking, q·r from P·q in every partition.
      prepare()
    }
  }

  private mutating func prepare() {
    let words = index.quantizer.words
    residual.withUnsafeBufferPointer { prepared.prepare($0.baseAddress!, words: words) }
  }

  /// Scans partition `number`, whose centroid is `centroidDistance` from the query.
  mutating func scan(partition number: Int, centroidDistance: Float) throws(IndexError) {
    let partition = try index.partitions.partition(number)
    let rows = partition.rowCount
    guard rows > 0 else { return }
    let quantizer = index.quantizer
    let dimension = index.dimension
    let dot = index.metric == .dot
    if !dot {
      index.rotatedCentroids.withUnsafeBufferPointer { c in
        for i in 0..<dimension { residual[i] = rotatedQuery[i] - c[number * dimension + i] }
      }
      prepare()
    }
    if sums.count < rows { sums = [UInt32](repeating: 0, count: rows) }
    let words = quantizer.words
    partition.signCodes.withUnsafeBufferPointer { codes in
      prepared.signPlanes.withUnsafeBufferPointer { query in
        sums.withUnsafeMutableBufferPointer { out in
          RaBitQScan.scan(
            codes: codes.baseAddress!, rowCount: rows, words: words, planes: 1,
            query: query.baseAddress!, queryBits: RaBitQuantizer.signQueryBits,
            into: out.baseAddress!)
        }
      }
    }
    // Distance = base − scale·⟨r′, v⟩: l2 ‖v‖² + ρ² − 2⟨r′, v⟩; dot (1 − q·c) − ⟨r′, v⟩.
    let base = dot ? centroidDistance : prepared.normSquared
    let scale: Float = dot ? 1 : 2
    let factorCount = quantizer.factorCount
    let multiBit = quantizer.bits > 1
    partition.factors.withUnsafeBufferPointer { factors in
      partition.rowIds.withUnsafeBufferPointer { ids in
        for row in 0..<rows {
          let f = factors.baseAddress! + row * factorCount
          let estimate = quantizer.signEstimate(signSum: sums[row], factors: f, query: prepared)
          let rowBase = dot ? base : base + f[RaBitQuantizer.Factor.normSquared]
          var distance = rowBase - scale * estimate
          let threshold = top.threshold
          if multiBit {
            let bound = scale * quantizer.signErrorBound(factors: f, query: prepared)
            guard distance - bound <= threshold else { continue }
          } else {
            guard distance <= threshold else { continue }
          }
          if let filter, !filter.contains(ids[row]) { continue }
          if multiBit {
            distance = rowBase - scale * fullEstimate(partition, row: row, factors: f)
            guard distance <= threshold else { continue }
          }
          top.insert(id: ids[row], distance: distance)
        }
      }
    }
  }

  /// `⟨r′, v⟩` of `row` from its full code.
  private func fullEstimate(
    _ partition: IVFRQPartition, row: Int, factors: UnsafePointer<Float>
  ) -> Float {
    let quantizer = index.quantizer
    let words = quantizer.words
    var signSum: UInt32 = 0
    var extraSum: UInt32 = 0
    prepared.fullPlanes.withUnsafeBufferPointer { query in
      partition.signCodes.withUnsafeBufferPointer { codes in
        RaBitQScan.scan(
          codes: codes.baseAddress! + row * words, rowCount: 1, words: words, planes: 1,
          query: query.baseAddress!, queryBits: RaBitQuantizer.fullQueryBits, into: &signSum)
      }
      partition.extraCodes.withUnsafeBufferPointer { codes in
        RaBitQScan.scan(
          codes: codes.baseAddress! + row * quantizer.extraWords, rowCount: 1, words: words,
          planes: quantizer.bits - 1, query: query.baseAddress!,
          queryBits: RaBitQuantizer.fullQueryBits, into: &extraSum)
      }
    }
    return quantizer.fullEstimate(
      signSum: signSum, extraSum: extraSum, factors: factors, query: prepared)
  }
}
