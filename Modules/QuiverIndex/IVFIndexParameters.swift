import QuiverKernels

/// How an IVF index (IVF_FLAT, IVF_PQ, IVF_SQ) is trained. Parameter names follow LanceDB's
/// `create_index` (`num_partitions` → `numPartitions`, ...). A `nil` parameter is derived from
/// the data by the documented default (Docs/Benchmarks.md, "Defaults").
public struct IVFIndexParameters: Sendable, Hashable, Codable {
  /// The index type: `.ivfFlat`, `.ivfPQ` or `.ivfSQ`.
  public var type: IndexType
  /// The distance the index answers for.
  public var metric: DistanceMetric
  /// The number of IVF partitions (k-means centroids); `nil` derives it from the row count.
  public var numPartitions: Int?
  /// PQ sub-vectors per vector; must divide the dimension; `nil` derives it from the
  /// dimension. Ignored unless the type is IVF_PQ.
  public var numSubVectors: Int?
  /// Bits per PQ code: 4 (16 centroids per sub-space, scanned in fast-scan blocks; the default)
  /// or 8 (256, one byte per code).
  public var numBits: Int
  /// k-means trains on `sampleRate × numPartitions` rows (all rows if fewer). A streaming build
  /// draws fewer when they would take more than half of its memory budget, but at least 64 a
  /// partition (`MemoryBudget`).
  public var sampleRate: Int
  /// The most Lloyd iterations of each k-means (IVF and PQ); training stops earlier when the
  /// assignment no longer changes.
  public var maxIterations: Int
  /// Seed of every random choice; equal seeds and inputs give identical indexes.
  public var seed: UInt64

  /// Creates parameters; the defaults are the measured ones of Docs/Benchmarks.md.
  public init(
    type: IndexType, metric: DistanceMetric = .l2, numPartitions: Int? = nil,
    numSubVectors: Int? = nil, numBits: Int = IndexType.ivfPQ.defaultNumBits, sampleRate: Int = 256,
    maxIterations: Int = 50, seed: UInt64 = 42
  ) {
    self.type = type
    self.metric = metric
    self.numPartitions = numPartitions
    self.numSubVectors = numSubVectors
    self.numBits = numBits
    self.sampleRate = sampleRate
    self.maxIterations = maxIterations
    self.seed = seed
  }

  /// The partition count used for `rowCount` rows: `numPartitions`, or by default
  /// √rowCount rounded (LanceDB's rule), at least 1 and at most `rowCount`.
  public func resolvedPartitionCount(rowCount: Int) -> Int {
    if let numPartitions { return numPartitions }
    let derived = Int((Double(rowCount)).squareRoot().rounded())
    return max(1, min(rowCount, derived))
  }

  /// The sub-vector count used for vectors of `dimension`: `numSubVectors`, or by default
  /// the largest divisor of `dimension` that gives sub-vectors of at least 3 dimensions with
  /// 4-bit codes (384 → 128) or 8 with 8-bit codes (384 → 48), falling back to 1
  /// (Docs/Benchmarks.md, "Defaults").
  public func resolvedSubVectorCount(dimension: Int) -> Int {
    if let numSubVectors { return numSubVectors }
    let smallestSubDimension = numBits == 4 ? 3 : 8
    var best = 1
    var candidate = 1
    while candidate <= dimension / smallestSubDimension {
      if dimension % candidate == 0 { best = candidate }
      candidate += 1
    }
    return best
  }

  /// Checks every parameter against the data's shape, before any work is done.
  ///
  /// - Throws: `IndexError` naming the parameter: `.unsupportedIndexType`,
  ///   `.invalidParameter` (partitions out of 1...rowCount, sub-vectors not dividing the
  ///   dimension, bits not 4 or 8, sample rate or iterations below 1), `.tooFewRows` (fewer
  ///   rows than PQ codebook entries), `.invalidArgument` (zero dimension).
  public func validate(rowCount: Int, dimension: Int) throws(IndexError) {
    guard type.isPlainIVF else {
      throw IndexError(
        .unsupportedIndexType,
        "index type \(type.rawValue) is not an IVF_FLAT, IVF_PQ or IVF_SQ index")
    }
    guard dimension > 0 else {
      throw IndexError(.invalidArgument, "vectors have dimension \(dimension); it must be positive")
    }
    guard rowCount > 0 else {
      throw IndexError(.tooFewRows, "cannot train an index on 0 rows")
    }
    let partitions = resolvedPartitionCount(rowCount: rowCount)
    guard partitions >= 1 else {
      throw IndexError(.invalidParameter, "numPartitions = \(partitions); it must be at least 1")
    }
    guard partitions <= rowCount else {
      throw IndexError(
        .invalidParameter,
        "numPartitions = \(partitions) is more than the \(rowCount) rows to index")
    }
    guard sampleRate >= 1 else {
      throw IndexError(.invalidParameter, "sampleRate = \(sampleRate); it must be at least 1")
    }
    guard maxIterations >= 1 else {
      throw IndexError(.invalidParameter, "maxIterations = \(maxIterations); it must be at least 1")
    }
    guard type == .ivfPQ else { return }
    guard numBits == 4 || numBits == 8 else {
      throw IndexError(.invalidParameter, "numBits = \(numBits); IVF_PQ supports 4 or 8")
    }
    let subVectors = resolvedSubVectorCount(dimension: dimension)
    guard subVectors >= 1, subVectors <= dimension, dimension % subVectors == 0 else {
      throw IndexError(
        .invalidParameter,
        "numSubVectors = \(subVectors) does not divide the dimension \(dimension)")
    }
    let codebookSize = 1 << numBits
    guard rowCount >= codebookSize else {
      throw IndexError(
        .tooFewRows,
        "IVF_PQ with numBits = \(numBits) needs at least \(codebookSize) rows to train its codebooks; got \(rowCount)"
      )
    }
  }
}
