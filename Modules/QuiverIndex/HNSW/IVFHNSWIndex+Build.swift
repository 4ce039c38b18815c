import QuiverKernels

extension IVFHNSWIndex {
  /// Most rows the product quantizer's codebooks are trained on.
  static let maximumProductQuantizerTrainingRows = IVFHNSWBuilder
    .maximumProductQuantizerTrainingRows

  /// Builds an IVF_HNSW_SQ or IVF_HNSW_PQ index over `vectors` (`count × dimension` floats), in
  /// memory.
  ///
  /// Steps: k-means on `sampleRate × numPartitions` sampled rows (normalised for cosine,
  /// inner product for dot) → the quantizer trained on residuals (row − centroid) of its own
  /// sample → every row assigned to its nearest centroid → per partition, a graph built over
  /// the rows' float vectors (both cores) and the residuals encoded in node order.
  ///
  /// - Parameters:
  ///   - rowIds: the row id of each vector (default 0 ..< count).
  ///   - dimension: The number of floats per vector.
  ///   - parameters: The build parameters.
  ///   - vectors: The vectors, `count × dimension` floats, row-major.
  /// - Throws: `IndexError` for bad shapes, non-finite values or bad parameters (before any
  ///   work is done).
  public static func build(
    vectors: [Float], dimension: Int, rowIds: [UInt64]? = nil, parameters: IVFHNSWParameters
  ) throws(IndexError) -> IVFHNSWIndex {
    try HNSWIndex.validateVectors(vectors, dimension: dimension, rowIds: rowIds)
    let count = vectors.count / dimension
    try parameters.validate(rowCount: count, dimension: dimension)
    let builder = IVFHNSWBuilder(
      parameters: parameters, partitionCount: parameters.resolvedPartitionCount(rowCount: count))
    let ids = rowIds ?? (0..<UInt64(count)).map { $0 }
    return try vectors.withUnsafeBufferPointer { (buffer) throws(IndexError) -> IVFHNSWIndex in
      let input = InMemoryBuildInput(vectors: buffer, dimension: dimension, rowIDs: ids)
      let spill = PartitionSpill(
        partitionCount: builder.partitionCount,
        recordBytes: IVFHNSWBuilder.recordBytes(dimension: dimension), folder: nil,
        limitBytes: .max)
      let progress = IndexBuildProgressTracker.silent
      let model = try builder.train(input, progress: progress)
      try builder.assign(input, model: model, into: spill, budget: .unlimited, progress: progress)
      var partitions: [IVFHNSWPartition] = []
      for index in 0..<builder.partitionCount {
        partitions.append(
          try builder.partition(
            index, dimension: dimension, model: model, spill: spill, progress: progress,
            totalRows: count))
      }
      return IVFHNSWIndex(
        parameters: parameters, dimension: dimension, rowCount: count,
        centroids: model.centroids, quantizer: model.quantizer,
        partitions: PartitionCache(partitions: partitions),
        partitionFragments: PartitionFragmentRecord(partitions: partitions))
    }
  }

  /// Builds the index over `input` in bounded memory and writes its files into `folder`: rows
  /// are streamed and spilled per partition to temporary run files in `folder`
  /// (`budget.spillBytes` at a time), then each partition's graph is built from its rows and
  /// written before the next is started, so peak memory follows the largest partition. The
  /// partition count, when not given, is chosen so that a partition's graph build fits
  /// `budget.graphPartitionBytes` (`IVFHNSWParameters.resolvedPartitionCount(rowCount:
  /// dimension:memoryBudget:)`). Run files are removed on success and failure; a failed build
  /// leaves no index file.
  ///
  /// - Throws: `IndexError` for bad parameters (before any reading), non-finite values, read
  ///   failures of the input, and files that cannot be written.
  static func build(
    from input: some IndexBuildInput, parameters: IVFHNSWParameters, into folder: IndexFolder,
    budget: MemoryBudget, progress: IndexBuildProgressTracker
  ) throws(IndexError) {
    let count = input.rowCount
    let dimension = input.dimension
    try parameters.validate(rowCount: count, dimension: dimension)
    let builder = IVFHNSWBuilder(
      parameters: parameters,
      partitionCount: parameters.resolvedPartitionCount(
        rowCount: count, dimension: dimension, memoryBudget: budget))
    let spill = PartitionSpill(
      partitionCount: builder.partitionCount,
      recordBytes: IVFHNSWBuilder.recordBytes(dimension: dimension), folder: folder,
      limitBytes: budget.spillBytes)
    defer { spill.removeRuns() }
    do throws(IndexError) {
      let model = try builder.train(input, progress: progress)
      try builder.assign(input, model: model, into: spill, budget: budget, progress: progress)
      let sizes = spill.rowCounts
      try writeFiles(
        to: folder, parameters: parameters, dimension: dimension, rowCount: count,
        centroids: model.centroids, quantizer: model.quantizer, partitionSizes: sizes
      ) { index throws(IndexError) in
        let partition = try builder.partition(
          index, dimension: dimension, model: model, spill: spill, progress: progress,
          totalRows: count)
        progress.advance(.writing, by: sizes[index], of: count)
        return partition
      }
      progress.finish(rows: count)
    } catch {
      HNSWIndexFiles.files.remove(from: folder)
      throw error
    }
  }
}
