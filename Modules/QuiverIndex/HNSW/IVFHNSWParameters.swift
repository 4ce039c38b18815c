import QuiverKernels

/// How an `IVF_HNSW_SQ` or `IVF_HNSW_PQ` index is built: the IVF and quantizer parameters of
/// `IVFIndexParameters` (its `type` says which) plus the graph's `HNSWParameters`.
public struct IVFHNSWParameters: Sendable, Hashable, Codable {
  /// Partitions, PQ sub-vectors and bits, sample rate, k-means iterations, seed, metric, type.
  public var ivf: IVFIndexParameters
  /// `m`, `efConstruction` of every partition's graph.
  public var hnsw: HNSWParameters

  /// Rows per partition the default partition count aims at: graphs are cheap to search, so
  /// IVF_HNSW uses far fewer, larger partitions than plain IVF (Docs/Benchmarks.md).
  public static let defaultRowsPerPartition = 100_000

  /// Creates parameters for `type` (`.ivfHNSWSQ` or `.ivfHNSWPQ`).
  public init(
    type: IndexType, metric: DistanceMetric = .l2, numPartitions: Int? = nil,
    numSubVectors: Int? = nil, numBits: Int = 8, sampleRate: Int = 256, maxIterations: Int = 50,
    seed: UInt64 = 42, hnsw: HNSWParameters = HNSWParameters()
  ) {
    ivf = IVFIndexParameters(
      type: type, metric: metric, numPartitions: numPartitions, numSubVectors: numSubVectors,
      numBits: numBits, sampleRate: sampleRate, maxIterations: maxIterations, seed: seed)
    self.hnsw = hnsw
  }

  /// The index type.
  public var type: IndexType { ivf.type }
  /// The metric.
  public var metric: DistanceMetric { ivf.metric }

  /// The partition count for `rowCount` rows: `numPartitions`, or ⌈rowCount / 100,000⌉.
  public func resolvedPartitionCount(rowCount: Int) -> Int {
    if let partitions = ivf.numPartitions { return partitions }
    let derived = (rowCount + IVFHNSWParameters.defaultRowsPerPartition - 1)
      / IVFHNSWParameters.defaultRowsPerPartition
    return max(1, min(rowCount, derived))
  }

  /// The partition count of a build within `memoryBudget`: `numPartitions`, or the larger of
  /// ⌈rowCount / 100,000⌉ and the count that keeps an average partition's graph build
  /// (`graphBuildBytesPerRow(dimension:)` a row) within half the budget. k-means partitions are
  /// not all equal: the largest may be about twice the average.
  public func resolvedPartitionCount(rowCount: Int, dimension: Int, memoryBudget: MemoryBudget)
    -> Int
  {
    let byRows = resolvedPartitionCount(rowCount: rowCount)
    guard ivf.numPartitions == nil else { return byRows }
    let rowsFitting = max(1, memoryBudget.graphPartitionBytes / graphBuildBytesPerRow(dimension: dimension))
    let byMemory = (rowCount + rowsFitting - 1) / rowsFitting
    return max(byRows, min(rowCount, byMemory))
  }

  /// Bytes one row costs while its partition's graph is built: its spilled record read back
  /// (row id and vector), its float vector and residual, its code, its row id, its layer-0
  /// neighbour list and a share of the upper layers, its lock and visited mark.
  public func graphBuildBytesPerRow(dimension: Int) -> Int {
    let vectorBytes = dimension * 4
    return (8 + vectorBytes) + 2 * vectorBytes + dimension + 8 + (2 * hnsw.m + 1) * 4 + 8 + 64
  }

  /// Checks every parameter against the data's shape before any work is done.
  ///
  /// - Throws: `IndexError.unsupportedIndexType` for a type other than IVF_HNSW_SQ/PQ, and
  ///   the errors of `IVFIndexParameters.validate` and `HNSWParameters.validate`.
  public func validate(rowCount: Int, dimension: Int) throws(IndexError) {
    guard type == .ivfHNSWSQ || type == .ivfHNSWPQ else {
      throw IndexError(
        .unsupportedIndexType,
        "index type \(type.rawValue) is not IVF_HNSW_SQ or IVF_HNSW_PQ")
    }
    var plain = ivf
    plain.type = type == .ivfHNSWSQ ? .ivfSQ : .ivfPQ
    plain.numPartitions = resolvedPartitionCount(rowCount: max(rowCount, 1))
    try plain.validate(rowCount: rowCount, dimension: dimension)
    try hnsw.validate()
  }
}
