import ArgumentParser
import Quiver
import QuiverIndex

/// The index-building parameters `quiver index`, `quiver bench index` and `quiver bench optimize`
/// share, under LanceDB's
/// names; the ones left out take the index's measured defaults.
struct IndexParameterOptions: ParsableArguments {
  @Option(help: "IVF partitions (default: from the row count).")
  var numPartitions: Int?

  @Option(help: "PQ sub-vectors; must divide the dimension (default: from the dimension).")
  var numSubVectors: Int?

  @Option(
    help: """
      Bits per PQ code: 4 or 8 (default: 4 for IVF_PQ, 8 for IVF_HNSW_PQ); bits per dimension \
      for IVF_RQ: 1-8 (default \(IndexType.ivfRQ.defaultNumBits)).
      """)
  var numBits: Int?

  @Option(name: .customLong("m"), help: "HNSW neighbours per node.")
  var neighbors: Int?

  @Option(help: "HNSW candidate list size while building.")
  var efConstruction: Int?

  @Option(
    help: "k-means trains on sample-rate × partitions rows (fewer past half the memory budget).")
  var sampleRate = 256

  @Option(help: "The most k-means iterations.")
  var maxIterations = 50

  @Option(help: "Seed of every random choice.")
  var seed: UInt64 = 42

  /// The configuration of a `type` index for `metric` with these parameters.
  func config(_ type: IndexType, metric: DistanceMetric) -> IndexConfig {
    IndexConfig(
      type: type, metric: metric, numPartitions: numPartitions, numSubVectors: numSubVectors,
      numBits: numBits ?? type.defaultNumBits, m: neighbors, efConstruction: efConstruction,
      sampleRate: sampleRate, maxIterations: maxIterations, seed: seed)
  }
}
