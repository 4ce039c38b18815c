import QuiverKernels
import QuiverStorage

/// Trains an IVF_FLAT, IVF_PQ or IVF_SQ index from `(row id, vector)` pairs.
///
/// Steps (Docs/Architecture.md, "Streaming builds"): validate the parameters; read
/// `sampleRate × numPartitions` sampled rows by position (fewer when they would not fit half of
/// the memory budget, see `trainingRowCount`) and train the IVF centroids by k-means on them;
/// read the quantizer's sample (PQ or SQ) the same way, assign it and train the quantizer on
/// its residuals to the centroids; then stream every row in batches — normalise (cosine),
/// assign (`PartitionAssigner`: through groups of centroids when there are many), encode —
/// grouping the rows by partition in a `PartitionSpill`; finally assemble each partition from
/// its rows and write it. All heavy steps use `threads` cores; the result depends only on the
/// inputs and `parameters.seed`, not on the thread count, and not on the memory budget unless
/// the budget caps the training sample (a row's assignment and code depend on that row alone).
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
  /// The fewest IVF training rows a partition gets when the budget caps the sample (FAISS warns
  /// below 39; a quarter of the default `sampleRate`).
  package static let minimumTrainingRowsPerPartition = 64
  /// The most rows a streaming batch holds, whatever the budget.
  static let maximumBatchRows = 65_536

  /// Creates a builder; `threads` defaults to the active processor count.
  public init(parameters: IVFIndexParameters, threads: Int? = nil) {
    self.parameters = parameters
    self.threads = max(1, threads ?? Parallel.defaultThreads)
  }

  /// Builds the index over `rowIds.count` vectors packed row-major in `vectors`, in memory.
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
    let source = InMemoryBuildInput(vectors: input, dimension: dimension, rowIDs: Array(rowIds))
    if let base = input.baseAddress { try source.requireFinite(base, count: count) }
    let spill = PartitionSpill(
      partitionCount: parameters.resolvedPartitionCount(rowCount: count),
      recordBytes: recordBytes(dimension: dimension), folder: nil, limitBytes: .max)
    let progress = IndexBuildProgressTracker.silent
    let model = try train(source, budget: .unlimited, progress: progress)
    let fragments = try assignAndEncode(
      source, model: model, into: spill, budget: .unlimited, progress: progress)
    var partitions: [IVFPartition] = []
    for index in 0..<model.partitionCount {
      partitions.append(model.partition(from: try spill.takeRecords(of: index)))
    }
    return model.index(
      partitionSizes: spill.rowCounts, fragments: fragments,
      store: PartitionStore(partitions: partitions))
  }

  /// Builds the index over `input` in bounded memory and writes its files into `folder`: the
  /// column is streamed in batches of about `budget.batchBytes`, rows grouped by partition are
  /// spilled to temporary run files in `folder` whenever `budget.spillBytes` are buffered, and
  /// the partitions file is written one partition at a time from the runs. The files are
  /// byte-identical to those of the in-memory build for any budget and thread count. Run files
  /// are removed on success and failure; on failure no index file is left either.
  ///
  /// - Throws: `IndexError` for parameters that do not fit the data (before any reading),
  ///   non-finite values, read failures of the input, and files that cannot be written.
  func build(
    from input: some IndexBuildInput, into folder: IndexFolder, budget: MemoryBudget,
    progress: IndexBuildProgressTracker
  ) throws(IndexError) {
    try parameters.validate(rowCount: input.rowCount, dimension: input.dimension)
    let spill = PartitionSpill(
      partitionCount: parameters.resolvedPartitionCount(rowCount: input.rowCount),
      recordBytes: recordBytes(dimension: input.dimension), folder: folder,
      limitBytes: budget.spillBytes)
    defer { spill.removeRuns() }
    do throws(IndexError) {
      let model = try train(input, budget: budget, progress: progress)
      let fragments = try assignAndEncode(
        input, model: model, into: spill, budget: budget, progress: progress)
      let sizes = spill.rowCounts
      let total = input.rowCount
      let index = model.index(
        partitionSizes: sizes, fragments: fragments,
        store: PartitionStore(rowCounts: sizes) { partition throws(IndexError) in
          let assembled = model.partition(from: try spill.takeRecords(of: partition))
          progress.advance(.writing, by: sizes[partition], of: total)
          return assembled
        })
      try index.write(to: folder)
      progress.finish(rows: total)
    } catch {
      IVFIndexFiles.files.remove(from: folder)
      throw error
    }
  }

  /// The rows IVF k-means trains on: `sampleRate × partitions` (at least one a partition), all
  /// rows if fewer, and at most as many as fit `budget.trainingSampleBytes` — but never fewer
  /// than `minimumTrainingRowsPerPartition` a partition, which a tiny budget does not undercut.
  /// The rows are drawn by the seed, so a capped sample is as deterministic as a full one.
  package static func trainingRowCount(
    rowCount: Int, partitions: Int, sampleRate: Int, dimension: Int, budget: MemoryBudget
  ) -> Int {
    let wanted = max(partitions, sampleRate * partitions)
    let affordable = max(
      budget.trainingSampleBytes / max(1, dimension * 4),
      minimumTrainingRowsPerPartition * partitions)
    return min(rowCount, wanted, affordable)
  }

  /// Bytes of one spilled row: its row id and payload (vector, or codes and row term).
  private func recordBytes(dimension: Int) -> Int {
    switch parameters.type {
    case .ivfPQ:
      let codeSize = ProductQuantizer.codeSize(
        subVectorCount: parameters.resolvedSubVectorCount(dimension: dimension),
        bits: parameters.numBits)
      return 8 + codeSize + (parameters.metric == .dot ? 0 : 4)
    case .ivfSQ: return 8 + dimension
    default: return 8 + dimension * 4
    }
  }

  /// Samples and trains the centroids and the quantizer. The random draws happen in the same
  /// order as they always did, so equal seeds give the models of earlier versions whenever the
  /// sample fits `budget` (see `trainingRowCount`).
  private func train(
    _ input: some IndexBuildInput, budget: MemoryBudget, progress: IndexBuildProgressTracker
  ) throws(IndexError) -> IVFBuildModel {
    let count = input.rowCount
    let dimension = input.dimension
    var resolved = parameters
    let partitions = parameters.resolvedPartitionCount(rowCount: count)
    resolved.numPartitions = partitions
    resolved.numSubVectors =
      parameters.type == .ivfPQ ? parameters.resolvedSubVectorCount(dimension: dimension) : nil

    // 1. IVF centroids, trained on a sample read by position.
    var random = SeededRandom(seed: parameters.seed)
    let trainingCount = Self.trainingRowCount(
      rowCount: count, partitions: partitions, sampleRate: parameters.sampleRate,
      dimension: dimension, budget: budget)
    let sample = trainingCount == count ? nil : random.sample(trainingCount, from: count).sorted()
    progress.report(.sampling, 0, of: trainingCount)
    let sampleVectors = try input.readRows(
      positions: sample ?? Array(0..<count), normalizing: parameters.metric == .cosine)
    progress.report(.sampling, trainingCount, of: trainingCount)
    progress.report(.training, 0, of: 2)
    let kmeans = sampleVectors.withUnsafeBufferPointer { work in
      // A sampled build lists its rows so that k-means gathers them exactly as before.
      KMeans.train(
        vectors: work, count: trainingCount, dimension: dimension, k: partitions,
        maxIterations: parameters.maxIterations, metric: parameters.metric,
        seed: parameters.seed &+ 1, threads: threads, tolerance: Self.ivfTolerance,
        rows: sample == nil ? nil : Array(0..<trainingCount))
    }
    progress.report(.training, 1, of: 2)
    let assigner = PartitionAssigner(
      centroids: kmeans.centroids, dimension: dimension, metric: parameters.metric,
      seed: parameters.seed &+ 4, threads: threads)
    var model = IVFBuildModel(
      parameters: resolved, dimension: dimension, assigner: assigner, kmeans: kmeans,
      trainingRows: trainingCount)

    // 2. The quantizer, trained on residuals of its own sample.
    switch parameters.type {
    case .ivfPQ:
      let entries = 1 << parameters.numBits
      let quantizerRows = min(count, Self.pqTrainingRowsPerCentroid * entries)
      let rows = quantizerRows == count ? nil : random.sample(quantizerRows, from: count).sorted()
      let residuals = try input.residuals(
        positions: rows ?? Array(0..<count), normalizing: parameters.metric == .cosine,
        assigner: assigner, threads: threads)
      model.productQuantizer = residuals.withUnsafeBufferPointer { buffer in
        ProductQuantizer.train(
          vectors: buffer, count: quantizerRows, dimension: dimension,
          subVectorCount: resolved.numSubVectors!, bits: parameters.numBits,
          maxIterations: parameters.maxIterations, seed: parameters.seed &+ 2, threads: threads,
          tolerance: Self.pqTolerance)
      }
      model.quantizerRows = quantizerRows
    case .ivfSQ:
      let quantizerRows = min(count, ScalarQuantizer.maximumTrainingRows)
      let rows = quantizerRows == count ? nil : random.sample(quantizerRows, from: count).sorted()
      let residuals = try input.residuals(
        positions: rows ?? Array(0..<count), normalizing: parameters.metric == .cosine,
        assigner: assigner, threads: threads)
      model.scalarQuantizer = residuals.withUnsafeBufferPointer { buffer in
        ScalarQuantizer.train(
          vectors: buffer.baseAddress!, count: quantizerRows, dimension: dimension,
          seed: parameters.seed &+ 3)
      }
      model.quantizerRows = quantizerRows
    default:
      break
    }
    progress.report(.training, 2, of: 2)
    return model
  }

  /// The streaming pass: every row normalised (cosine), assigned, encoded and appended to its
  /// partition in `spill`. Returns the fragments of the rows.
  private func assignAndEncode(
    _ input: some IndexBuildInput, model: IVFBuildModel, into spill: PartitionSpill,
    budget: MemoryBudget, progress: IndexBuildProgressTracker
  ) throws(IndexError) -> [UInt32] {
    let dimension = input.dimension
    let count = input.rowCount
    let batchRows = max(
      256, min(Self.maximumBatchRows, budget.batchBytes / (dimension * 4), count))
    let recordBytes = spill.recordBytes
    let payloadOffset = 8
    var work = [Float](repeating: 0, count: batchRows * dimension)
    var assignments = [Int32](repeating: 0, count: batchRows)
    var distances = [Float](repeating: 0, count: batchRows)
    var codes = [UInt8](repeating: 0, count: batchRows * model.codeSize)
    var rowTerms = [Float](repeating: 0, count: model.hasRowTerms ? batchRows : 0)
    var records = [UInt8](repeating: 0, count: batchRows * recordBytes)
    var fragments = FragmentCollector()
    let rowIDs = input.rowIDs
    try input.forEachBatch(maxRows: batchRows) { (start, vectors) throws(IndexError) in
      let rows = vectors.count / dimension
      guard rows > 0, let source = vectors.baseAddress else { return }
      try input.requireFinite(source, count: rows, start: start)
      work.withUnsafeMutableBufferPointer { workBuffer in
        let rowsPointer: UnsafePointer<Float>
        if parameters.metric == .cosine {
          workBuffer.baseAddress!.update(from: source, count: rows * dimension)
          VectorNormalization.normalizeRows(
            workBuffer.baseAddress!, count: rows, dimension: dimension)
          rowsPointer = UnsafePointer(workBuffer.baseAddress!)
        } else {
          rowsPointer = source
        }
        model.assigner.assign(
          vectors: rowsPointer, rows: rows, threads: threads, assignments: &assignments,
          distances: &distances)
        progress.report(.assigning, start + rows, of: count)
        if model.codeSize > 0 {
          encode(
            rowsPointer, rows: rows, model: model, assignments: assignments, codes: &codes,
            rowTerms: &rowTerms)
          progress.report(.encoding, start + rows, of: count)
        }
        records.withUnsafeMutableBytes { out in
          for row in 0..<rows {
            let record = out.baseAddress! + row * recordBytes
            let rowID = rowIDs[start + row]
            fragments.insert(RowID.fragmentID(rowID))
            record.storeBytes(of: rowID.littleEndian, as: UInt64.self)
            let payload = record + payloadOffset
            if model.codeSize == 0 {
              payload.copyMemory(
                from: rowsPointer + row * dimension, byteCount: dimension * 4)
            } else {
              codes.withUnsafeBytes { c in
                payload.copyMemory(
                  from: c.baseAddress! + row * model.codeSize, byteCount: model.codeSize)
              }
              if model.hasRowTerms {
                (payload + model.codeSize).storeBytes(
                  of: rowTerms[row].bitPattern.littleEndian, as: UInt32.self)
              }
            }
          }
          spill.append(
            records: UnsafeRawBufferPointer(rebasing: out[0..<(rows * recordBytes)]),
            partitions: assignments)
        }
      }
      try spill.spillIfNeeded()
    }
    return fragments.sorted
  }

  /// Encodes the residuals of `rows` rows in blocks on `threads` workers, with the row terms of
  /// IVF_PQ l2 / cosine (`2 c·r̂ + ‖r̂‖² = ‖c + r̂‖² − ‖c‖²`, from the decoded residual).
  private func encode(
    _ vectors: UnsafePointer<Float>, rows count: Int, model: IVFBuildModel, assignments: [Int32],
    codes: inout [UInt8], rowTerms: inout [Float]
  ) {
    let dimension = model.dimension
    let codeSize = model.codeSize
    let block = 256
    let blocks = (count + block - 1) / block
    let workers = max(1, min(threads, blocks))
    model.centroids.withUnsafeBufferPointer { c in
      codes.withUnsafeMutableBufferPointer { codeBuffer in
        rowTerms.withUnsafeMutableBufferPointer { termBuffer in
          assignments.withUnsafeBufferPointer { assigned in
            let c = c.baseAddress!
            let codeBase = codeBuffer.baseAddress!
            // An empty array may still have a base address: only IVF_PQ l2 / cosine has terms.
            let termBase = model.hasRowTerms ? termBuffer.baseAddress : nil
            let assigned = assigned.baseAddress!
            Parallel.forEachWorker(workers) { worker in
              let residuals = UnsafeMutablePointer<Float>.allocate(capacity: block * dimension)
              defer { residuals.deallocate() }
              let decoded = UnsafeMutablePointer<Float>.allocate(capacity: dimension)
              defer { decoded.deallocate() }
              var index = worker
              while index < blocks {
                let start = index * block
                let rows = min(block, count - start)
                IVFResiduals.write(
                  vectors, rows: start..<(start + rows), assignments: assigned, centroids: c,
                  dimension: dimension, into: residuals)
                let out = codeBase + start * codeSize
                if let productQuantizer = model.productQuantizer {
                  productQuantizer.encode(vectors: residuals, count: rows, into: out)
                  if let termBase {
                    for row in 0..<rows {
                      productQuantizer.decode(out + row * codeSize, into: decoded)
                      let centroid = c + Int(assigned[start + row]) * dimension
                      var term: Float = 0
                      for i in 0..<dimension {
                        term += decoded[i] * (2 * centroid[i] + decoded[i])
                      }
                      termBase[start + row] = term
                    }
                  }
                } else if let scalarQuantizer = model.scalarQuantizer {
                  scalarQuantizer.encode(vectors: residuals, count: rows, into: out)
                }
                index += workers
              }
            }
          }
        }
      }
    }
  }
}

/// The sorted distinct fragment ids of a stream of row ids (which arrive grouped by fragment).
private struct FragmentCollector {
  private var seen: Set<UInt32> = []
  private var last: UInt32?

  mutating func insert(_ fragment: UInt32) {
    guard fragment != last else { return }
    last = fragment
    seen.insert(fragment)
  }

  var sorted: [UInt32] { seen.sorted() }
}
