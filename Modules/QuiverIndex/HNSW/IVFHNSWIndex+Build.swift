import QuiverKernels

extension IVFHNSWIndex {
  /// Most rows the product quantizer's codebooks are trained on.
  static let maximumProductQuantizerTrainingRows = 65_536

  /// Builds an IVF_HNSW_SQ or IVF_HNSW_PQ index over `vectors` (`count × dimension` floats).
  ///
  /// Steps: k-means on `sampleRate × numPartitions` sampled rows (normalised for cosine,
  /// inner product for dot) → every row assigned to its nearest centroid → the quantizer
  /// trained on residuals (row − centroid) → per partition, a graph built over the rows'
  /// float vectors (both cores) and the residuals encoded in node order.
  ///
  /// - Parameters:
  ///   - rowIds: the row id of each vector (default 0 ..< count).
  /// - Throws: `IndexError` for bad shapes, non-finite values or bad parameters (before any
  ///   work is done).
  public static func build(
    vectors: [Float], dimension: Int, rowIds: [UInt64]? = nil, parameters: IVFHNSWParameters
  ) throws(IndexError) -> IVFHNSWIndex {
    try HNSWIndex.validateVectors(vectors, dimension: dimension, rowIds: rowIds)
    let count = vectors.count / dimension
    try parameters.validate(rowCount: count, dimension: dimension)
    let metric = parameters.metric
    let ivf = parameters.ivf
    let threads = parameters.hnsw.threadCount ?? Parallel.defaultThreads
    let stored = vectors.withUnsafeBufferPointer {
      HNSWFloatVectors(copying: $0, dimension: dimension, metric: metric)
    }
    let base = stored.values
    let partitionCount = parameters.resolvedPartitionCount(rowCount: count)
    let ids = rowIds ?? (0..<UInt64(count)).map { $0 }

    // IVF centroids from a sample.
    var random = SeededRandom(seed: ivf.seed)
    let sampleCount = min(count, ivf.sampleRate * partitionCount)
    let sample = sampleCount == count ? Array(0..<count) : random.sample(sampleCount, from: count).sorted()
    var sampleVectors = [Float](repeating: 0, count: sampleCount * dimension)
    sampleVectors.withUnsafeMutableBufferPointer { out in
      for (index, row) in sample.enumerated() {
        (out.baseAddress! + index * dimension).update(from: base + row * dimension, count: dimension)
      }
    }
    let kmeansMetric: DistanceMetric = metric == .dot ? .dot : .l2
    let centroids = sampleVectors.withUnsafeBufferPointer {
      KMeans.train(
        vectors: $0, count: sampleCount, dimension: dimension, k: partitionCount,
        maxIterations: ivf.maxIterations, metric: kmeansMetric, seed: ivf.seed, threads: threads
      ).centroids
    }

    // Assignment and residuals.
    var assignments = [Int32](repeating: 0, count: count)
    var assignmentDistances = [Float](repeating: 0, count: count)
    let residuals = UnsafeMutablePointer<Float>.allocate(capacity: max(count * dimension, 1))
    defer { residuals.deallocate() }
    centroids.withUnsafeBufferPointer { c in
      assignments.withUnsafeMutableBufferPointer { a in
        assignmentDistances.withUnsafeMutableBufferPointer { d in
          KMeans.assign(
            vectors: base, count: count, dimension: dimension, centroids: c.baseAddress!,
            k: partitionCount, metric: kmeansMetric, threads: threads,
            assignments: a.baseAddress!, distances: d.baseAddress!)
        }
      }
      for row in 0..<count {
        let centroid = c.baseAddress! + Int(assignments[row]) * dimension
        for i in 0..<dimension {
          residuals[row * dimension + i] = base[row * dimension + i] - centroid[i]
        }
      }
    }

    // The quantizer, trained on residuals.
    let quantizer: ResidualQuantizer
    if parameters.type == .ivfHNSWSQ {
      quantizer = .scalar(
        ScalarQuantizer.train(vectors: residuals, count: count, dimension: dimension, seed: ivf.seed))
    } else {
      let subVectors = ivf.resolvedSubVectorCount(dimension: dimension)
      let trainingCount = min(count, maximumProductQuantizerTrainingRows)
      let trainingRows = trainingCount == count
        ? Array(0..<count) : random.sample(trainingCount, from: count).sorted()
      var training = [Float](repeating: 0, count: trainingCount * dimension)
      training.withUnsafeMutableBufferPointer { out in
        for (index, row) in trainingRows.enumerated() {
          (out.baseAddress! + index * dimension).update(
            from: residuals + row * dimension, count: dimension)
        }
      }
      quantizer = .product(
        training.withUnsafeBufferPointer {
          ProductQuantizer.train(
            vectors: $0, count: trainingCount, dimension: dimension, subVectorCount: subVectors,
            bits: ivf.numBits, maxIterations: ivf.maxIterations, seed: ivf.seed, threads: threads)
        })
    }

    // Per partition: members in row order, a graph over their floats, their codes.
    var members = [[Int]](repeating: [], count: partitionCount)
    for row in 0..<count { members[Int(assignments[row])].append(row) }
    let codeSize = quantizer.codeSize
    var partitions: [IVFHNSWPartition] = []
    partitions.reserveCapacity(partitionCount)
    for rows in members {
      let gathered = UnsafeMutablePointer<Float>.allocate(capacity: max(rows.count * dimension, 1))
      defer { gathered.deallocate() }
      var codes = [UInt8](repeating: 0, count: rows.count * codeSize)
      for (node, row) in rows.enumerated() {
        (gathered + node * dimension).update(from: base + row * dimension, count: dimension)
      }
      let gatheredResiduals = UnsafeMutablePointer<Float>.allocate(
        capacity: max(rows.count * dimension, 1))
      defer { gatheredResiduals.deallocate() }
      for (node, row) in rows.enumerated() {
        (gatheredResiduals + node * dimension).update(
          from: residuals + row * dimension, count: dimension)
      }
      codes.withUnsafeMutableBufferPointer { out in
        guard !rows.isEmpty else { return }
        switch quantizer {
        case .scalar(let sq):
          sq.encode(vectors: gatheredResiduals, count: rows.count, into: out.baseAddress!)
        case .product(let pq):
          pq.encode(vectors: gatheredResiduals, count: rows.count, into: out.baseAddress!)
        }
      }
      let space = HNSWFloatBuildSpace(
        vectors: gathered, count: rows.count, dimension: dimension,
        innerProduct: stored.usesInnerProduct)
      let graph = try HNSWGraphBuilder.build(space: space, parameters: parameters.hnsw)
      partitions.append(
        IVFHNSWPartition(
          graph: graph, rows: HNSWRowMap(rowIds: rows.map { ids[$0] }), codes: codes))
    }
    return IVFHNSWIndex(
      parameters: parameters, dimension: dimension, rowCount: count, centroids: centroids,
      quantizer: quantizer, partitions: PartitionCache(partitions: partitions),
      partitionFragments: PartitionFragmentRecord(partitions: partitions))
  }
}
