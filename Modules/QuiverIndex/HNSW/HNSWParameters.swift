import Foundation

/// How an HNSW graph is built: the knobs LanceDB users know (`m`, `efConstruction`) plus the
/// seed that makes a single-threaded build reproducible.
public struct HNSWParameters: Sendable, Hashable, Codable {
  /// Neighbours kept per node on the upper layers; layer 0 keeps `2·m`.
  public var m: Int
  /// Width of the candidate list while inserting a node.
  public var efConstruction: Int
  /// Seed for the node levels; equal seeds give equal levels.
  public var seed: UInt64
  /// Threads that insert nodes (nil: all cores). With one thread the build is deterministic.
  public var threadCount: Int?

  /// The defaults: `m` 16, `efConstruction` 200 (see Docs/Benchmarks.md for the measurement).
  public static let defaultM = 16
  /// Default candidate list width while building.
  public static let defaultEfConstruction = 200
  /// The largest `m` accepted (layer 0 then holds 512 neighbours a node).
  public static let maximumM = 256

  /// Creates parameters; call `validate()` (builders do) before use.
  public init(
    m: Int = HNSWParameters.defaultM, efConstruction: Int = HNSWParameters.defaultEfConstruction,
    seed: UInt64 = 42, threadCount: Int? = nil
  ) {
    self.m = m
    self.efConstruction = efConstruction
    self.seed = seed
    self.threadCount = threadCount
  }

  /// Neighbours kept per node on layer 0.
  public var maximumLayer0Neighbors: Int { 2 * m }

  /// The level multiplier 1 / ln(m) of the geometric level distribution.
  public var levelMultiplier: Double { 1 / log(Double(m)) }

  /// About how many bytes a flat `HNSW` build over `rowCount` vectors of `dimension` holds at
  /// its peak: the vectors twice (as read, and the graph's normalised copy), the layer-0
  /// neighbour lists and a share of the upper layers, row ids, node locks and visited marks.
  /// Saturates at `Int.max`.
  public func estimatedBuildBytes(rowCount: Int, dimension: Int) -> Int {
    let perRow = 2 * dimension * 4 + (2 * m + 1) * 4 + 8 + 8 + 64
    let (total, overflow) = rowCount.multipliedReportingOverflow(by: perRow)
    return overflow ? Int.max : total
  }

  /// Checks the parameters.
  ///
  /// - Throws: `IndexError.invalidParameter` naming the parameter: `m` < 2 or > 256,
  ///   `efConstruction` < `m`, `threadCount` < 1.
  public func validate() throws(IndexError) {
    guard m >= 2 else {
      throw IndexError(.invalidParameter, "HNSW parameter m = \(m) must be at least 2")
    }
    guard m <= HNSWParameters.maximumM else {
      throw IndexError(
        .invalidParameter, "HNSW parameter m = \(m) must be at most \(HNSWParameters.maximumM)")
    }
    guard efConstruction >= m else {
      throw IndexError(
        .invalidParameter,
        "HNSW parameter efConstruction = \(efConstruction) must be at least m = \(m)")
    }
    if let threadCount, threadCount < 1 {
      throw IndexError(
        .invalidParameter, "HNSW parameter threadCount = \(threadCount) must be at least 1")
    }
  }
}
