import QuiverKernels

/// Builds an IVF_HNSW_SQ or IVF_HNSW_PQ index from an `IndexBuildInput`, one partition's graph
/// at a time.
///
/// Steps: k-means on `sampleRate × partitionCount` rows read by position (normalised for
/// cosine); the quantizer trained on the residuals of its own sample; then every row streamed
/// in batches — normalised, assigned, and spilled with its float vector to its partition
/// (`PartitionSpill`); then per partition: its rows read back in position order, residuals
/// encoded, a graph built over the float vectors, and the partition handed to the writer. Peak
/// memory follows the largest partition, not the table. The random draws are those of earlier
/// versions, so a build with one graph thread gives the same files for a seed.
struct IVFHNSWBuilder {
  /// Type, metric, IVF, quantizer and graph parameters.
  var parameters: IVFHNSWParameters
  /// Partitions to build (resolved from the row count and the budget).
  var partitionCount: Int

  /// Most rows the product quantizer's codebooks are trained on.
  static let maximumProductQuantizerTrainingRows = 65_536

  /// Threads of k-means, assignment and each graph build.
  private var threads: Int { parameters.hnsw.threadCount ?? Parallel.defaultThreads }

  /// What training produced.
  struct Model {
    /// `partitionCount × dimension` centroids.
    var centroids: [Float]
    /// The residual quantizer.
    var quantizer: ResidualQuantizer
  }

  /// Trains the centroids and the quantizer on samples read by position.
  func train(_ input: some IndexBuildInput, progress: IndexBuildProgressTracker)
    throws(IndexError) -> Model
  {
    let count = input.rowCount
    let dimension = input.dimension
    let ivf = parameters.ivf
    let normalizing = parameters.metric == .cosine
    var random = SeededRandom(seed: ivf.seed)
    let sampleCount = min(count, ivf.sampleRate * partitionCount)
    let sample =
      sampleCount == count ? Array(0..<count) : random.sample(sampleCount, from: count).sorted()
    progress.report(.sampling, 0, of: sampleCount)
    let sampleVectors = try input.readRows(positions: sample, normalizing: normalizing)
    progress.report(.sampling, sampleCount, of: sampleCount)
    progress.report(.training, 0, of: 2)
    let centroids = sampleVectors.withUnsafeBufferPointer {
      KMeans.train(
        vectors: $0, count: sampleCount, dimension: dimension, k: partitionCount,
        maxIterations: ivf.maxIterations, metric: assignmentMetric, seed: ivf.seed,
        threads: threads
      ).centroids
    }
    progress.report(.training, 1, of: 2)
    let quantizer: ResidualQuantizer
    if parameters.type == .ivfHNSWSQ {
      // The SQ ranges are quantiles of (at most) `maximumTrainingRows` residuals drawn as the
      // quantizer itself draws them, so the ranges are those of a training on every residual.
      let limit = ScalarQuantizer.maximumTrainingRows
      var quantizerRandom = SeededRandom(seed: ivf.seed)
      let rows =
        count <= limit ? Array(0..<count) : quantizerRandom.sample(limit, from: count).sorted()
      let residuals = try input.residuals(
        positions: rows, normalizing: normalizing, centroids: centroids,
        metric: assignmentMetric, threads: threads)
      quantizer = .scalar(
        ScalarQuantizer.train(
          vectors: residuals, count: rows.count, dimension: dimension, seed: ivf.seed))
    } else {
      let trainingCount = min(count, Self.maximumProductQuantizerTrainingRows)
      let rows =
        trainingCount == count
        ? Array(0..<count) : random.sample(trainingCount, from: count).sorted()
      let residuals = try input.residuals(
        positions: rows, normalizing: normalizing, centroids: centroids,
        metric: assignmentMetric, threads: threads)
      quantizer = .product(
        residuals.withUnsafeBufferPointer {
          ProductQuantizer.train(
            vectors: $0, count: trainingCount, dimension: dimension,
            subVectorCount: ivf.resolvedSubVectorCount(dimension: dimension), bits: ivf.numBits,
            maxIterations: ivf.maxIterations, seed: ivf.seed, threads: threads)
        })
    }
    progress.report(.training, 2, of: 2)
    return Model(centroids: centroids, quantizer: quantizer)
  }

  /// The metric rows are assigned to centroids by: inner product for dot, squared L2 otherwise
  /// (cosine rows are unit vectors).
  private var assignmentMetric: DistanceMetric { parameters.metric == .dot ? .dot : .l2 }

  /// The streaming pass: every row normalised (cosine), assigned and spilled with its vector.
  func assign(
    _ input: some IndexBuildInput, model: Model, into spill: PartitionSpill, budget: MemoryBudget,
    progress: IndexBuildProgressTracker
  ) throws(IndexError) {
    let dimension = input.dimension
    let count = input.rowCount
    let recordBytes = spill.recordBytes
    let batchRows = max(
      256, min(IVFIndexBuilder.maximumBatchRows, budget.batchBytes / recordBytes, count))
    let rowIDs = input.rowIDs
    var assignments = [Int32](repeating: 0, count: batchRows)
    var distances = [Float](repeating: 0, count: batchRows)
    var records = [UInt8](repeating: 0, count: batchRows * recordBytes)
    try input.forEachBatch(maxRows: batchRows) { (start, vectors) throws(IndexError) in
      let rows = vectors.count / dimension
      guard rows > 0, let source = vectors.baseAddress else { return }
      try input.requireFinite(source, count: rows, start: start)
      records.withUnsafeMutableBytes { out in
        // The record is the row id and the (normalised) vector; the vectors are normalised in
        // place there and assigned from a contiguous copy.
        var work = [Float](unsafeUninitializedCapacity: rows * dimension) { buffer, filled in
          buffer.baseAddress!.update(from: source, count: rows * dimension)
          if parameters.metric == .cosine {
            VectorNormalization.normalizeRows(
              buffer.baseAddress!, count: rows, dimension: dimension)
          }
          filled = rows * dimension
        }
        work.withUnsafeMutableBufferPointer { normalized in
          model.centroids.withUnsafeBufferPointer { c in
            KMeans.assign(
              vectors: normalized.baseAddress!, count: rows, dimension: dimension,
              centroids: c.baseAddress!, k: partitionCount, metric: assignmentMetric,
              threads: threads, assignments: &assignments, distances: &distances)
          }
          for row in 0..<rows {
            let record = out.baseAddress! + row * recordBytes
            record.storeBytes(of: rowIDs[start + row].littleEndian, as: UInt64.self)
            (record + 8).copyMemory(
              from: normalized.baseAddress! + row * dimension, byteCount: dimension * 4)
          }
        }
        spill.append(
          records: UnsafeRawBufferPointer(rebasing: out[0..<(rows * recordBytes)]),
          partitions: assignments)
      }
      progress.report(.assigning, start + rows, of: count)
      try spill.spillIfNeeded()
    }
  }

  /// Partition `index` from its spilled rows: residual codes in node order and a graph over the
  /// float vectors.
  func partition(
    _ index: Int, dimension: Int, model: Model, spill: PartitionSpill,
    progress: IndexBuildProgressTracker, totalRows: Int
  ) throws(IndexError) -> IVFHNSWPartition {
    let records = try spill.takeRecords(of: index)
    let recordBytes = spill.recordBytes
    let rows = records.count / recordBytes
    let gathered = UnsafeMutablePointer<Float>.allocate(capacity: max(rows * dimension, 1))
    defer { gathered.deallocate() }
    let residuals = UnsafeMutablePointer<Float>.allocate(capacity: max(rows * dimension, 1))
    defer { residuals.deallocate() }
    var rowIDs: [UInt64] = []
    rowIDs.reserveCapacity(rows)
    records.withUnsafeBytes { raw in
      for node in 0..<rows {
        rowIDs.append(
          UInt64(
            littleEndian: raw.loadUnaligned(fromByteOffset: node * recordBytes, as: UInt64.self)))
        UnsafeMutableRawPointer(gathered + node * dimension).copyMemory(
          from: raw.baseAddress! + node * recordBytes + 8, byteCount: dimension * 4)
      }
    }
    model.centroids.withUnsafeBufferPointer { c in
      let centroid = c.baseAddress! + index * dimension
      for node in 0..<rows {
        for i in 0..<dimension {
          residuals[node * dimension + i] = gathered[node * dimension + i] - centroid[i]
        }
      }
    }
    var codes = [UInt8](repeating: 0, count: rows * model.quantizer.codeSize)
    codes.withUnsafeMutableBufferPointer { out in
      guard rows > 0 else { return }
      switch model.quantizer {
      case .scalar(let sq): sq.encode(vectors: residuals, count: rows, into: out.baseAddress!)
      case .product(let pq): pq.encode(vectors: residuals, count: rows, into: out.baseAddress!)
      }
    }
    progress.advance(.encoding, by: rows, of: totalRows)
    let space = HNSWFloatBuildSpace(
      vectors: gathered, count: rows, dimension: dimension,
      innerProduct: parameters.metric != .l2)
    let graph = try HNSWGraphBuilder.build(space: space, parameters: parameters.hnsw)
    progress.advance(.graphBuilding, by: rows, of: totalRows)
    return IVFHNSWPartition(graph: graph, rows: HNSWRowMap(rowIds: rowIDs), codes: codes)
  }

  /// Bytes of one spilled row: its row id and float vector.
  static func recordBytes(dimension: Int) -> Int { 8 + dimension * 4 }
}
