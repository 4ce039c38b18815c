import QuiverKernels
import QuiverStorage

extension IVFRQIndex {
  /// Rows encoded per block of work: a multiple of `RaBitQRotation.rowsPerBlock`, so the
  /// rotation (and so every byte written) does not depend on the thread count.
  static let encodingBlockRows = 256

  /// Checks the parameters of an IVF_RQ build against the data's shape, before any work.
  ///
  /// - Throws: `IndexError` naming the parameter: `.unsupportedIndexType`, `.invalidArgument`
  ///   (dimension out of 1...`maximumDimension`), `.tooFewRows`, `.invalidParameter`
  ///   (partitions out of 1...rowCount, `numBits` out of 1...8, sample rate or iterations
  ///   below 1).
  public static func validate(
    _ parameters: IVFIndexParameters, rowCount: Int, dimension: Int
  ) throws(IndexError) {
    guard parameters.type == .ivfRQ else {
      throw IndexError(
        .unsupportedIndexType, "index type \(parameters.type.rawValue) is not IVF_RQ")
    }
    guard dimension > 0, dimension <= maximumDimension else {
      throw IndexError(
        .invalidArgument,
        "vectors have dimension \(dimension); IVF_RQ supports 1 to \(maximumDimension)")
    }
    guard rowCount > 0 else { throw IndexError(.tooFewRows, "cannot train an index on 0 rows") }
    let partitions = parameters.resolvedPartitionCount(rowCount: rowCount)
    guard partitions >= 1, partitions <= rowCount else {
      throw IndexError(
        .invalidParameter,
        "numPartitions = \(partitions); it must be between 1 and the \(rowCount) rows to index")
    }
    guard (1...8).contains(parameters.numBits) else {
      throw IndexError(
        .invalidParameter, "numBits = \(parameters.numBits); IVF_RQ supports 1 to 8")
    }
    guard parameters.sampleRate >= 1 else {
      throw IndexError(
        .invalidParameter, "sampleRate = \(parameters.sampleRate); it must be at least 1")
    }
    guard parameters.maxIterations >= 1 else {
      throw IndexError(
        .invalidParameter, "maxIterations = \(parameters.maxIterations); it must be at least 1")
    }
  }

  /// Builds an IVF_RQ index over `rowIds.count` vectors packed row-major in `vectors`.
  ///
  /// Steps: validate; normalise (cosine); k-means on `sampleRate × numPartitions` rows; assign
  /// every row; draw the rotation from `seed`; encode each row's rotated residual; group rows by
  /// partition. Equal inputs and seeds give identical indexes on any thread count.
  ///
  /// - Throws: `IndexError` from `validate`, `.dimensionMismatch` when `vectors.count !=
  ///   rowIds.count × dimension`, `.nonFiniteValue` for a NaN or infinite value.
  /// - Complexity: O(maxIterations × sample × numPartitions × dimension) for k-means, plus
  ///   O(rows × dimension²) for the rotation and O(dimension³) to draw it.
  public static func build(
    vectors: [Float], rowIds: [UInt64], dimension: Int, parameters: IVFIndexParameters,
    threads: Int? = nil
  ) throws(IndexError) -> IVFRQIndex {
    guard dimension > 0, vectors.count == rowIds.count * dimension else {
      throw IndexError(
        .dimensionMismatch,
        "\(vectors.count) floats do not make \(rowIds.count) vectors of dimension \(dimension)")
    }
    try validate(parameters, rowCount: rowIds.count, dimension: dimension)
    for (position, value) in vectors.enumerated() where !value.isFinite {
      let row = position / dimension
      throw IndexError(
        .nonFiniteValue,
        "vector of row id \(rowIds[row]) (position \(row)) has \(value) at dimension \(position % dimension)"
      )
    }
    var work = vectors
    if parameters.metric == .cosine {
      work.withUnsafeMutableBufferPointer {
        VectorNormalization.normalizeRows(
          $0.baseAddress!, count: rowIds.count, dimension: dimension)
      }
    }
    return work.withUnsafeBufferPointer { buffer in
      train(
        buffer, rowIds: rowIds, dimension: dimension, parameters: parameters,
        threads: max(1, threads ?? Parallel.defaultThreads))
    }
  }

  /// Trains and encodes validated vectors (unit vectors for cosine).
  private static func train(
    _ vectors: UnsafeBufferPointer<Float>, rowIds: [UInt64], dimension: Int,
    parameters: IVFIndexParameters, threads: Int
  ) -> IVFRQIndex {
    let count = rowIds.count
    let partitions = parameters.resolvedPartitionCount(rowCount: count)
    var resolved = parameters
    resolved.numPartitions = partitions
    resolved.numSubVectors = nil

    var random = SeededRandom(seed: parameters.seed)
    let trainingCount = min(count, max(partitions, parameters.sampleRate * partitions))
    let sample = trainingCount == count ? nil : random.sample(trainingCount, from: count).sorted()
    let kmeans = KMeans.train(
      vectors: vectors, count: trainingCount, dimension: dimension, k: partitions,
      maxIterations: parameters.maxIterations, metric: parameters.metric,
      seed: parameters.seed &+ 1, threads: threads, tolerance: IVFIndexBuilder.ivfTolerance,
      rows: sample)
    let centroids = kmeans.centroids
    var assignments = [Int32](repeating: 0, count: count)
    var distances = [Float](repeating: 0, count: count)
    centroids.withUnsafeBufferPointer { c in
      assignments.withUnsafeMutableBufferPointer { a in
        distances.withUnsafeMutableBufferPointer { d in
          KMeans.assign(
            vectors: vectors.baseAddress!, count: count, dimension: dimension,
            centroids: c.baseAddress!, k: partitions, metric: parameters.metric,
            threads: threads, assignments: a.baseAddress!, distances: d.baseAddress!)
        }
      }
    }

    let rotation = RaBitQRotation(dimension: dimension, seed: parameters.seed &+ 4)
    let quantizer = RaBitQuantizer(dimension: dimension, bits: parameters.numBits)
    var sign = [UInt64](repeating: 0, count: count * quantizer.words)
    var extra = [UInt64](repeating: 0, count: count * quantizer.extraWords)
    var factors = [Float](repeating: 0, count: count * quantizer.factorCount)
    encode(
      vectors.baseAddress!, count: count, centroids: centroids, assignments: assignments,
      rotation: rotation, quantizer: quantizer, threads: threads, sign: &sign, extra: &extra,
      factors: &factors)

    // Group rows by partition, keeping their input order.
    var members = [[Int]](repeating: [], count: partitions)
    for (row, partition) in assignments.enumerated() { members[Int(partition)].append(row) }
    let list = members.map { rows in
      IVFRQPartition(
        rowIds: rows.map { rowIds[$0] },
        signCodes: gather(sign, rows: rows, width: quantizer.words),
        extraCodes: gather(extra, rows: rows, width: quantizer.extraWords),
        factors: gather(factors, rows: rows, width: quantizer.factorCount))
    }
    let statistics = IVFIndexStatistics(
      rowCount: count, dimension: dimension, partitionSizes: members.map(\.count),
      fragmentIds: Set(rowIds.map(RowID.fragmentID)).sorted(),
      ivfTrainingRows: trainingCount, ivfIterations: kmeans.iterations,
      ivfMeanDistance: kmeans.meanDistance.isFinite
        ? kmeans.meanDistance : Double.greatestFiniteMagnitude,
      repairedEmptyClusters: kmeans.repairedEmptyClusters, quantizerTrainingRows: 0,
      bytesPerRow: quantizer.bytesPerRow)
    return IVFRQIndex(
      parameters: resolved, statistics: statistics, centroids: centroids, rotation: rotation,
      partitions: PartitionCache(partitions: list))
  }

  /// The `width`-element rows `rows` of `values`, in that order.
  private static func gather<Element>(_ values: [Element], rows: [Int], width: Int) -> [Element] {
    var out: [Element] = []
    out.reserveCapacity(rows.count * width)
    for row in rows { out += values[(row * width)..<((row + 1) * width)] }
    return out
  }

  /// Encodes every row's rotated residual in blocks of `encodingBlockRows` rows on `threads`
  /// workers (each block's rows are written by one worker only).
  static func encode(
    _ vectors: UnsafePointer<Float>, count: Int, centroids: [Float], assignments: [Int32],
    rotation: RaBitQRotation, quantizer: RaBitQuantizer, threads: Int,
    sign: inout [UInt64], extra: inout [UInt64], factors: inout [Float]
  ) {
    let dimension = quantizer.dimension
    let block = encodingBlockRows
    let blocks = (count + block - 1) / block
    let workers = max(1, min(threads, blocks))
    centroids.withUnsafeBufferPointer { c in
      assignments.withUnsafeBufferPointer { assigned in
        sign.withUnsafeMutableBufferPointer { signBuffer in
          extra.withUnsafeMutableBufferPointer { extraBuffer in
            factors.withUnsafeMutableBufferPointer { factorBuffer in
              let c = c.baseAddress!
              let assigned = assigned.baseAddress!
              let signBase = signBuffer.baseAddress!
              // Empty for 1-bit codes: a pointer is still needed, never written through.
              let extraBase = extraBuffer.baseAddress ?? signBase
              let factorBase = factorBuffer.baseAddress!
              Parallel.forEachWorker(workers) { worker in
                let residuals = UnsafeMutablePointer<Float>.allocate(capacity: block * dimension)
                let rotated = UnsafeMutablePointer<Float>.allocate(capacity: block * dimension)
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: dimension)
                defer {
                  residuals.deallocate()
                  rotated.deallocate()
                  scratch.deallocate()
                }
                for first in stride(from: worker * block, to: count, by: workers * block) {
                  let rows = first..<min(first + block, count)
                  IVFResiduals.write(
                    vectors, rows: rows, assignments: assigned, centroids: c,
                    dimension: dimension, into: residuals)
                  rotation.rotateRows(residuals, count: rows.count, into: rotated)
                  for (position, target) in rows.enumerated() {
                    quantizer.encode(
                      rotated + position * dimension, sign: signBase + target * quantizer.words,
                      extra: extraBase + target * quantizer.extraWords,
                      factors: factorBase + target * quantizer.factorCount, scratch: scratch)
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
