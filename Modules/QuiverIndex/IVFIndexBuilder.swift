import QuiverKernels
import QuiverStorage

/// Trains an IVF_FLAT, IVF_PQ or IVF_SQ index from `(row id, vector)` pairs.
///
/// Steps: validate everything; normalise (cosine); train IVF centroids by k-means on
/// `sampleRate × numPartitions` sampled rows; assign every row to its nearest centroid; train
/// the quantizer (PQ codebooks per sub-space, or SQ ranges) on residuals to the centroids;
/// encode; group rows by partition. All heavy steps use `threads` cores; the result depends
/// only on the inputs and `parameters.seed`.
public struct IVFIndexBuilder: Sendable {
  /// What to build.
  public var parameters: IVFIndexParameters
  /// Worker threads for training and encoding.
  public var threads: Int

  /// PQ codebooks train on at most this many rows per codebook entry (256 → 65,536 rows for
  /// 8-bit codes).
  package static let pqTrainingRowsPerCentroid = 64
  /// IVF k-means stops when its mean distance improves by less than this fraction.
  package static let ivfTolerance = 1e-3
  /// PQ k-means (per sub-space) stops when its mean distance improves by less than this.
  package static let pqTolerance = 1e-3

  /// Creates a builder; `threads` defaults to the active processor count.
  public init(parameters: IVFIndexParameters, threads: Int? = nil) {
    self.parameters = parameters
    self.threads = max(1, threads ?? Parallel.defaultThreads)
  }

  /// Builds the index over `rowIds.count` vectors packed row-major in `vectors`.
  ///
  /// - Throws: `IndexError` before any training when the parameters do not fit the data
  ///   (see `IVFIndexParameters.validate`), `vectors.count != rowIds.count × dimension`
  ///   (`.dimensionMismatch`) or a value is NaN or infinite (`.nonFiniteValue`).
  /// - Complexity: O(maxIterations × sample × numPartitions × dimension) for k-means, plus
  ///   O(rows × numPartitions × dimension) for assignment and the quantizer's training.
  public func build(vectors: [Float], rowIds: [UInt64], dimension: Int) throws(IndexError)
    -> IVFIndex
  {
    try vectors.withUnsafeBufferPointer { (v) throws(IndexError) -> IVFIndex in
      try rowIds.withUnsafeBufferPointer { (ids) throws(IndexError) -> IVFIndex in
        try build(vectors: v, rowIds: ids, dimension: dimension)
      }
    }
  }

  /// The unsafe-buffer form of `build(vectors:rowIds:dimension:)` (no copy of the input for
  /// l2 and dot).
  package func build(
    vectors input: UnsafeBufferPointer<Float>, rowIds: UnsafeBufferPointer<UInt64>,
    dimension: Int
  ) throws(IndexError) -> IVFIndex {
    guard dimension > 0 else {
      throw IndexError(.invalidArgument, "dimension = \(dimension); it must be positive")
    }
    let count = rowIds.count
    guard input.count == count * dimension else {
      throw IndexError(
        .dimensionMismatch,
        "\(input.count) floats do not make \(count) vectors of dimension \(dimension)")
    }
    try parameters.validate(rowCount: count, dimension: dimension)
    for (position, value) in input.enumerated() where !value.isFinite {
      let row = position / dimension
      throw IndexError(
        .nonFiniteValue,
        "vector of row id \(rowIds[row]) (position \(row)) has \(value) at dimension \(position % dimension)"
      )
    }

    var resolved = parameters
    let partitions = parameters.resolvedPartitionCount(rowCount: count)
    resolved.numPartitions = partitions
    resolved.numSubVectors =
      parameters.type == .ivfPQ ? parameters.resolvedSubVectorCount(dimension: dimension) : nil

    // Cosine indexes work on unit vectors throughout.
    var normalizedCopy: [Float] = []
    if parameters.metric == .cosine {
      normalizedCopy = Array(input)
      normalizedCopy.withUnsafeMutableBufferPointer {
        VectorNormalization.normalizeRows($0.baseAddress!, count: count, dimension: dimension)
      }
    }
    if parameters.metric == .cosine {
      return normalizedCopy.withUnsafeBufferPointer { work in
        train(work: work, rowIds: rowIds, dimension: dimension, resolved: resolved)
      }
    }
    return train(work: input, rowIds: rowIds, dimension: dimension, resolved: resolved)
  }

  /// Trains and encodes on validated `work` vectors (unit vectors for cosine).
  private func train(
    work: UnsafeBufferPointer<Float>, rowIds: UnsafeBufferPointer<UInt64>, dimension: Int,
    resolved: IVFIndexParameters
  ) -> IVFIndex {
    let count = rowIds.count
    let partitions = resolved.numPartitions!
    let vectors = work.baseAddress!

    // 1. IVF centroids.
    var random = SeededRandom(seed: parameters.seed)
    let trainingCount = min(count, max(partitions, parameters.sampleRate * partitions))
    // The sample is read in place (no copy of up to sampleRate × numPartitions rows).
    let sample = trainingCount == count ? nil : random.sample(trainingCount, from: count).sorted()
    let kmeans = KMeans.train(
      vectors: work, count: trainingCount, dimension: dimension, k: partitions,
      maxIterations: parameters.maxIterations, metric: parameters.metric,
      seed: parameters.seed &+ 1, threads: threads, tolerance: Self.ivfTolerance, rows: sample)
    let centroids = kmeans.centroids

    // 2. Assignment of every row.
    var assignments = [Int32](repeating: 0, count: count)
    var distances = [Float](repeating: 0, count: count)
    centroids.withUnsafeBufferPointer { c in
      assignments.withUnsafeMutableBufferPointer { a in
        distances.withUnsafeMutableBufferPointer { d in
          KMeans.assign(
            vectors: vectors, count: count, dimension: dimension, centroids: c.baseAddress!,
            k: partitions, metric: parameters.metric, threads: threads,
            assignments: a.baseAddress!, distances: d.baseAddress!)
        }
      }
    }

    // 3. Quantizer on residuals, and per-row payloads.
    var productQuantizer: ProductQuantizer?
    var scalarQuantizer: ScalarQuantizer?
    var quantizerRows = 0
    var codes: [UInt8] = []
    var rowTerms: [Float] = []
    switch parameters.type {
    case .ivfPQ:
      let subVectors = resolved.numSubVectors!
      let entries = 1 << parameters.numBits
      quantizerRows = min(count, Self.pqTrainingRowsPerCentroid * entries)
      let rows = quantizerRows == count ? nil : random.sample(quantizerRows, from: count).sorted()
      let residuals = residualSample(
        vectors, dimension: dimension, rows: rows, count: count,
        centroids: centroids, assignments: assignments)
      let quantizer = residuals.withUnsafeBufferPointer { buffer in
        ProductQuantizer.train(
          vectors: buffer, count: quantizerRows, dimension: dimension, subVectorCount: subVectors,
          bits: parameters.numBits, maxIterations: parameters.maxIterations,
          seed: parameters.seed &+ 2, threads: threads, tolerance: Self.pqTolerance)
      }
      productQuantizer = quantizer
      codes = [UInt8](repeating: 0, count: count * quantizer.codeSize)
      if parameters.metric != .dot { rowTerms = [Float](repeating: 0, count: count) }
      encodeResiduals(
        vectors, count: count, dimension: dimension, centroids: centroids,
        assignments: assignments, codeSize: quantizer.codeSize, codes: &codes,
        rowTerms: &rowTerms
      ) { residuals, rows, out, terms in
        quantizer.encode(vectors: residuals, count: rows, into: out)
        guard let terms else { return }
        // rowTerm = 2 c·r̂ + ‖r̂‖² = ‖c + r̂‖² − ‖c‖², computed from the decoded residual.
        var decoded = [Float](repeating: 0, count: dimension)
        decoded.withUnsafeMutableBufferPointer { r in
          for row in 0..<rows {
            quantizer.decode(out + row * quantizer.codeSize, into: r.baseAddress!)
            terms(row, r.baseAddress!)
          }
        }
      }
    case .ivfSQ:
      quantizerRows = min(count, ScalarQuantizer.maximumTrainingRows)
      let rows = quantizerRows == count ? nil : random.sample(quantizerRows, from: count).sorted()
      let residuals = residualSample(
        vectors, dimension: dimension, rows: rows, count: count,
        centroids: centroids, assignments: assignments)
      let quantizer = residuals.withUnsafeBufferPointer { buffer in
        ScalarQuantizer.train(
          vectors: buffer.baseAddress!, count: quantizerRows, dimension: dimension,
          seed: parameters.seed &+ 3)
      }
      scalarQuantizer = quantizer
      codes = [UInt8](repeating: 0, count: count * dimension)
      encodeResiduals(
        vectors, count: count, dimension: dimension, centroids: centroids,
        assignments: assignments, codeSize: dimension, codes: &codes, rowTerms: &rowTerms
      ) { residuals, rows, out, _ in
        quantizer.encode(vectors: residuals, count: rows, into: out)
      }
    default:
      break
    }

    // 4. Group rows by partition, keeping their input order.
    var sizes = [Int](repeating: 0, count: partitions)
    for a in assignments { sizes[Int(a)] += 1 }
    var members = [[Int]](repeating: [], count: partitions)
    for p in 0..<partitions { members[p].reserveCapacity(sizes[p]) }
    for (row, a) in assignments.enumerated() { members[Int(a)].append(row) }
    let codeSize = productQuantizer?.codeSize ?? (scalarQuantizer != nil ? dimension : 0)
    var partitionList: [IVFPartition] = []
    partitionList.reserveCapacity(partitions)
    for rows in members {
      var partition = IVFPartition(rowIds: rows.map { rowIds[$0] })
      if parameters.type == .ivfFlat {
        partition.vectors.reserveCapacity(rows.count * dimension)
        for row in rows {
          partition.vectors.append(
            contentsOf: UnsafeBufferPointer(start: vectors + row * dimension, count: dimension))
        }
      } else {
        partition.codes.reserveCapacity(rows.count * codeSize)
        for row in rows {
          partition.codes.append(contentsOf: codes[(row * codeSize)..<((row + 1) * codeSize)])
        }
        if let productQuantizer, productQuantizer.fastScanSubVectorCount > 0 {
          partition.codes = IVFPartition.fastScanBlocks(
            rowMajorCodes: partition.codes, rowCount: rows.count,
            subVectorCount: productQuantizer.subVectorCount)
        }
        if !rowTerms.isEmpty { partition.rowTerms = rows.map { rowTerms[$0] } }
      }
      partitionList.append(partition)
    }

    let fragments = Set(rowIds.map(RowID.fragmentID)).sorted()
    let statistics = IVFIndexStatistics(
      rowCount: count, dimension: dimension, partitionSizes: sizes, fragmentIds: fragments,
      ivfTrainingRows: trainingCount, ivfIterations: kmeans.iterations,
      // Vectors near Float.greatestFiniteMagnitude make squared distances overflow; the
      // statistic saturates so the metadata stays encodable JSON.
      ivfMeanDistance: kmeans.meanDistance.isFinite
        ? kmeans.meanDistance : Double.greatestFiniteMagnitude,
      repairedEmptyClusters: kmeans.repairedEmptyClusters,
      quantizerTrainingRows: quantizerRows,
      bytesPerRow: parameters.type == .ivfFlat
        ? dimension * 4 : codeSize + (rowTerms.isEmpty ? 0 : 4))
    return IVFIndex(
      parameters: resolved, statistics: statistics, centroids: centroids,
      productQuantizer: productQuantizer, scalarQuantizer: scalarQuantizer,
      store: PartitionStore(partitions: partitionList))
  }

  /// Residuals `x − centroid(x)` of the chosen rows (all when `rows` is nil).
  private func residualSample(
    _ vectors: UnsafePointer<Float>, dimension: Int, rows: [Int]?, count: Int,
    centroids: [Float], assignments: [Int32]
  ) -> [Float] {
    let chosen = rows ?? Array(0..<count)
    var out = [Float](repeating: 0, count: chosen.count * dimension)
    for (target, row) in chosen.enumerated() {
      let centroid = Int(assignments[row]) * dimension
      for i in 0..<dimension {
        out[target * dimension + i] = vectors[row * dimension + i] - centroids[centroid + i]
      }
    }
    return out
  }

  /// Encodes the residuals of all rows in blocks on `threads` workers. `encode` gets a block's
  /// residuals, its row count, where its codes go and, when row terms are wanted, a function
  /// that stores the term of block row `i` from its decoded residual.
  private func encodeResiduals(
    _ vectors: UnsafePointer<Float>, count: Int, dimension: Int, centroids: [Float],
    assignments: [Int32], codeSize: Int, codes: inout [UInt8], rowTerms: inout [Float],
    encode: (
      UnsafePointer<Float>, Int, UnsafeMutablePointer<UInt8>,
      ((Int, UnsafePointer<Float>) -> Void)?
    ) -> Void
  ) {
    let block = 256
    let blocks = (count + block - 1) / block
    let workers = max(1, min(threads, blocks))
    let wantTerms = !rowTerms.isEmpty
    centroids.withUnsafeBufferPointer { c in
      codes.withUnsafeMutableBufferPointer { codeBuffer in
        rowTerms.withUnsafeMutableBufferPointer { termBuffer in
          let c = c.baseAddress!
          let codeBase = codeBuffer.baseAddress!
          let termBase = termBuffer.baseAddress
          Parallel.forEachWorker(workers) { worker in
            let residuals = UnsafeMutablePointer<Float>.allocate(capacity: block * dimension)
            defer { residuals.deallocate() }
            var index = worker
            while index < blocks {
              let start = index * block
              let rows = min(block, count - start)
              for row in 0..<rows {
                let centroid = c + Int(assignments[start + row]) * dimension
                let source = vectors + (start + row) * dimension
                for i in 0..<dimension { residuals[row * dimension + i] = source[i] - centroid[i] }
              }
              let termWriter: ((Int, UnsafePointer<Float>) -> Void)? =
                wantTerms
                ? { row, decoded in
                  let centroid = c + Int(assignments[start + row]) * dimension
                  var term: Float = 0
                  for i in 0..<dimension { term += decoded[i] * (2 * centroid[i] + decoded[i]) }
                  termBase![start + row] = term
                } : nil
              encode(residuals, rows, codeBase + start * codeSize, termWriter)
              index += workers
            }
          }
        }
      }
    }
  }
}
