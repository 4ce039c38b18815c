import QuiverIndex
import QuiverKernels

/// How to build a vector index: its type and parameters, named as LanceDB users know them.
///
/// ```swift
/// try table.createIndex(on: "vector", .ivfPQ(metric: .l2, numPartitions: 256, numSubVectors: 96))
/// ```
/// Parameters left nil take the index module's measured defaults.
public struct IndexConfig: Sendable, Hashable {
  /// The index type.
  public var type: IndexType
  /// The metric the index is trained for; searches with another metric do not use it.
  public var metric: DistanceMetric
  /// IVF partitions (nil: from the row count).
  public var numPartitions: Int?
  /// PQ sub-vectors (nil: from the dimension).
  public var numSubVectors: Int?
  /// Bits per PQ code: 8 or 4.
  public var numBits: Int
  /// HNSW neighbours per node.
  public var m: Int?
  /// HNSW construction width.
  public var efConstruction: Int?
  /// Training rows per partition (fewer when the IVF sample would take more than half of the
  /// database's memory budget, but at least 64).
  public var sampleRate: Int
  /// k-means iterations at most.
  public var maxIterations: Int
  /// Seed of every random choice.
  public var seed: UInt64

  /// A configuration of any type.
  public init(
    type: IndexType, metric: DistanceMetric = .l2, numPartitions: Int? = nil,
    numSubVectors: Int? = nil, numBits: Int = 8, m: Int? = nil, efConstruction: Int? = nil,
    sampleRate: Int = 256, maxIterations: Int = 50, seed: UInt64 = 42
  ) {
    self.type = type
    self.metric = metric
    self.numPartitions = numPartitions
    self.numSubVectors = numSubVectors
    self.numBits = numBits
    self.m = m
    self.efConstruction = efConstruction
    self.sampleRate = sampleRate
    self.maxIterations = maxIterations
    self.seed = seed
  }

  /// IVF over full-precision vectors (exact distances within probed partitions).
  public static func ivfFlat(metric: DistanceMetric = .l2, numPartitions: Int? = nil)
    -> IndexConfig
  {
    IndexConfig(type: .ivfFlat, metric: metric, numPartitions: numPartitions)
  }

  /// IVF over product-quantized vectors.
  public static func ivfPQ(
    metric: DistanceMetric = .l2, numPartitions: Int? = nil, numSubVectors: Int? = nil,
    numBits: Int = IndexType.ivfPQ.defaultNumBits
  ) -> IndexConfig {
    IndexConfig(
      type: .ivfPQ, metric: metric, numPartitions: numPartitions, numSubVectors: numSubVectors,
      numBits: numBits)
  }

  /// IVF over 8-bit scalar-quantized vectors.
  public static func ivfSQ(metric: DistanceMetric = .l2, numPartitions: Int? = nil)
    -> IndexConfig
  {
    IndexConfig(type: .ivfSQ, metric: metric, numPartitions: numPartitions)
  }

  /// IVF over RaBitQ codes: residuals randomly rotated and stored with `numBits` bits per
  /// dimension (1–8), distances estimated with an error bound; search with `refineFactor`.
  public static func ivfRQ(
    metric: DistanceMetric = .l2, numPartitions: Int? = nil,
    numBits: Int = IndexType.ivfRQ.defaultNumBits
  ) -> IndexConfig {
    IndexConfig(type: .ivfRQ, metric: metric, numPartitions: numPartitions, numBits: numBits)
  }

  /// IVF with an HNSW graph per partition over scalar-quantized vectors.
  public static func ivfHNSWSQ(
    metric: DistanceMetric = .l2, numPartitions: Int? = nil, m: Int = 20,
    efConstruction: Int = 300
  ) -> IndexConfig {
    IndexConfig(
      type: .ivfHNSWSQ, metric: metric, numPartitions: numPartitions, m: m,
      efConstruction: efConstruction)
  }

  /// IVF with an HNSW graph per partition over product-quantized vectors.
  public static func ivfHNSWPQ(
    metric: DistanceMetric = .l2, numPartitions: Int? = nil, numSubVectors: Int? = nil,
    m: Int = 20, efConstruction: Int = 300
  ) -> IndexConfig {
    IndexConfig(
      type: .ivfHNSWPQ, metric: metric, numPartitions: numPartitions,
      numSubVectors: numSubVectors, m: m, efConstruction: efConstruction)
  }

  /// One HNSW graph over full-precision vectors (exact distances for the rows it finds).
  public static func hnsw(metric: DistanceMetric = .l2, m: Int = 20, efConstruction: Int = 300)
    -> IndexConfig
  {
    IndexConfig(type: .hnsw, metric: metric, m: m, efConstruction: efConstruction)
  }

  /// The IVF parameters of this configuration.
  var ivfParameters: IVFIndexParameters {
    IVFIndexParameters(
      type: type, metric: metric, numPartitions: numPartitions, numSubVectors: numSubVectors,
      numBits: numBits, sampleRate: sampleRate, maxIterations: maxIterations, seed: seed)
  }

  /// The parameters recorded in the table's manifest.
  var recordedParameters: [String: String] {
    var result: [String: String] = [
      "num_bits": String(numBits), "sample_rate": String(sampleRate),
      "max_iterations": String(maxIterations), "seed": String(seed),
    ]
    if let numPartitions { result["num_partitions"] = String(numPartitions) }
    if let numSubVectors { result["num_sub_vectors"] = String(numSubVectors) }
    if let m { result["m"] = String(m) }
    if let efConstruction { result["ef_construction"] = String(efConstruction) }
    return result
  }
}
