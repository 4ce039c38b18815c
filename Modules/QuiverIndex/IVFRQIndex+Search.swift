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
  ///   - query: The query vector (`dimension` floats).
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
///
/// A partition is scanned in chunks of `chunkRows` rows: the kernel selects the rows whose
/// sign estimate (less its error bound when `numBits > 1`) is within the current `k`-th
/// distance, the full codes of those rows are estimated (`numBits > 1`), and the survivors
/// are offered to the top `k`, whose tighter threshold then prunes the next chunk.
struct RaBitQPartitionScan {
  /// Rows per kernel call: a multiple of 32, so row masks start on a word.
  static let chunkRows = 64

  let index: IVFRQIndex
  let filter: RowSet?
  /// The query rotated (P·q).
  var rotatedQuery: [Float]
  /// The query's residual to the current partition's centroid, rotated and prepared.
  var prepared: RaBitQQuery
  /// Kernel outputs for one chunk.
  let chunk = ChunkBuffers(rows: chunkRows)
  /// One bit per row of the current partition allowed by `filter`.
  var rowMasks: [UInt32] = []
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
    prepared = RaBitQQuery(dimension: dimension, words: index.quantizer.words)
    top = TopK(k: k)
    if index.metric == .dot {
      // q·x = q·c + q·r: the centroid term comes from ranking, q·r from P·q in every partition.
      rotatedQuery.withUnsafeBufferPointer { prepared.prepare($0.baseAddress!, centroid: nil) }
    }
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
      rotatedQuery.withUnsafeBufferPointer { q in
        index.rotatedCentroids.withUnsafeBufferPointer { c in
          prepared.prepare(q.baseAddress!, centroid: c.baseAddress! + number * dimension)
        }
      }
    }
    if let filter, !fillRowMasks(partition.rowIds, filter: filter) { return }
    // Distance = base − scale·⟨r′, v⟩: l2 ‖v‖² + ρ² − 2⟨r′, v⟩; dot (1 − q·c) − ⟨r′, v⟩.
    let estimator = quantizer.estimator(
      for: prepared.summary, base: dot ? centroidDistance : prepared.summary.normSquared,
      scale: dot ? 1 : 2, addsNormSquared: !dot)
    let words = quantizer.words
    let extraWords = quantizer.extraWords
    let factorCount = quantizer.factorCount
    let bits = quantizer.bits
    let filtered = filter != nil
    let chunk = chunk
    // The top k moves out of `self` while the buffers of `self` are borrowed.
    var top = TopK(k: 0)
    swap(&top, &self.top)
    defer { swap(&top, &self.top) }
    partition.signCodes.withUnsafeBufferPointer { signCodes in
      partition.extraCodes.withUnsafeBufferPointer { extraCodes in
        partition.factors.withUnsafeBufferPointer { factors in
          partition.rowIds.withUnsafeBufferPointer { ids in
            prepared.signPlanes.withUnsafeBufferPointer { signQuery in
              prepared.fullPlanes.withUnsafeBufferPointer { fullQuery in
                rowMasks.withUnsafeBufferPointer { masks in
                  var start = 0
                  while start < rows {
                    let count = min(Self.chunkRows, rows - start)
                    let signBase = signCodes.baseAddress! + start * words
                    let factorBase = factors.baseAddress! + start * factorCount
                    let selected = RaBitQScan.select(
                      signCodes: signBase, rowCount: count, words: words,
                      query: signQuery.baseAddress!, queryBits: RaBitQuantizer.signQueryBits,
                      factors: factorBase, factorCount: factorCount, estimator: estimator,
                      threshold: top.threshold, usesBound: bits > 1,
                      rowMasks: filtered ? masks.baseAddress! + start / 32 : nil,
                      rows: chunk.rows, distances: chunk.signDistances)
                    var distances = chunk.signDistances
                    if bits > 1, selected > 0 {
                      RaBitQScan.fullDistances(
                        signCodes: signBase,
                        extraCodes: extraCodes.baseAddress! + start * extraWords,
                        words: words, bits: bits, query: fullQuery.baseAddress!,
                        queryBits: RaBitQuantizer.fullQueryBits, factors: factorBase,
                        factorCount: factorCount, estimator: estimator, rows: chunk.rows,
                        count: selected, distances: chunk.fullDistances)
                      distances = chunk.fullDistances
                    }
                    for position in 0..<selected where distances[position] <= top.threshold {
                      top.insert(
                        Neighbor(
                          id: ids[start + Int(chunk.rows[position])],
                          distance: distances[position]))
                    }
                    start += count
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// One bit per row of `rowIds`, set when `filter` allows the row; returns false when it
  /// allows none of them.
  private mutating func fillRowMasks(_ rowIds: [UInt64], filter: RowSet) -> Bool {
    let wordCount = (rowIds.count + 31) / 32
    if rowMasks.count < wordCount { rowMasks = [UInt32](repeating: 0, count: wordCount) }
    var any: UInt32 = 0
    for word in 0..<wordCount {
      var mask: UInt32 = 0
      for row in (word * 32)..<min(word * 32 + 32, rowIds.count) where filter.contains(rowIds[row]) {
        mask |= 1 << UInt32(row - word * 32)
      }
      rowMasks[word] = mask
      any |= mask
    }
    return any != 0
  }
}

/// The kernel outputs of one chunk of `RaBitQPartitionScan`, allocated once per query.
final class ChunkBuffers {
  /// Selected rows, relative to the chunk.
  let rows: UnsafeMutablePointer<UInt32>
  /// Their sign-estimate distances.
  let signDistances: UnsafeMutablePointer<Float>
  /// Their full-code distances.
  let fullDistances: UnsafeMutablePointer<Float>

  init(rows count: Int) {
    rows = .allocate(capacity: count)
    signDistances = .allocate(capacity: count)
    fullDistances = .allocate(capacity: count)
  }

  deinit {
    rows.deallocate()
    signDistances.deallocate()
    fullDistances.deallocate()
  }
}
