import Foundation
import Quiver
import QuiverKernels

/// The demo's data: base vectors, queries and exact ground truth, from a folder of `.fvecs` /
/// `.ivecs` files (Fixtures/minilm-2k by default) or generated when none is found.
struct DemoData {
  var base: [Float]
  var dimension: Int
  var queries: [[Float]]
  /// Exact top ids (row positions) per query, nearest first (l2).
  var groundTruth: [[Int64]]
  /// The same for cosine distance.
  var cosineGroundTruth: [[Int64]]
  var description: String

  var rowCount: Int { base.count / dimension }

  /// Loads `folder` (or `Fixtures/minilm-2k` under the current folder when nil and present);
  /// generates clustered data otherwise.
  static func load(
    folder: String?, useFixtures: Bool, generatedRows: Int, generatedDimension: Int, queryCount: Int
  ) throws -> DemoData {
    let candidate = folder ?? "Fixtures/minilm-2k"
    let basePath = candidate + "/base.fvecs"
    if folder != nil || useFixtures, FileManager.default.fileExists(atPath: basePath) {
      let baseRows = try QueryVectors.read(basePath, column: nil)
      let queries = try QueryVectors.read(
        candidate + "/query.fvecs", column: nil, limit: queryCount)
      let truth = try GroundTruth.read(candidate + "/groundtruth_l2.ivecs", count: queries.count)
      let cosinePath = candidate + "/groundtruth_cosine.ivecs"
      let cosineTruth =
        FileManager.default.fileExists(atPath: cosinePath)
        ? try GroundTruth.read(cosinePath, count: queries.count) : truth
      return DemoData(
        base: baseRows.flatMap { $0 }, dimension: baseRows[0].count, queries: queries,
        groundTruth: truth, cosineGroundTruth: cosineTruth,
        description:
          "\(baseRows.count) × \(baseRows[0].count) real embeddings from \(candidate), \(queries.count) queries with exact ground truth"
      )
    } else if folder != nil {
      throw CLIError(
        .noInput,
        "\(basePath): no such file (the data folder needs base.fvecs, query.fvecs, groundtruth_l2.ivecs)"
      )
    }
    return try generated(rows: generatedRows, dimension: generatedDimension, queryCount: queryCount)
  }

  /// Gaussian clusters (seeded) of unit vectors (so l2 and cosine rank alike, as for sentence
  /// embeddings), queries near random centres, ground truth by an exact l2 scan.
  static func generated(rows: Int, dimension: Int, queryCount: Int) throws -> DemoData {
    var random = DemoRandom(seed: 42)
    let clusters = max(1, rows / 200)
    let centres = (0..<(clusters * dimension)).map { _ in random.gaussian() }
    var base = [Float](repeating: 0, count: rows * dimension)
    for row in 0..<rows {
      let centre = Int(random.next() % UInt64(clusters))
      for column in 0..<dimension {
        base[row * dimension + column] =
          centres[centre * dimension + column] + 0.3 * random.gaussian()
      }
    }
    base.withUnsafeMutableBufferPointer {
      VectorNormalization.normalizeRows($0.baseAddress!, count: rows, dimension: dimension)
    }
    var queries: [[Float]] = []
    var truth: [[Int64]] = []
    for _ in 0..<queryCount {
      let centre = Int(random.next() % UInt64(clusters))
      let query = VectorNormalization.normalized(
        (0..<dimension).map { centres[centre * dimension + $0] + 0.3 * random.gaussian() })
      let distances = try DistanceMetric.l2.distances(from: query, to: base)
      truth.append(try TopK.select(100, from: distances).map { Int64($0.id) })
      queries.append(query)
    }
    return DemoData(
      base: base, dimension: dimension, queries: queries, groundTruth: truth,
      cosineGroundTruth: truth,
      description:
        "\(rows) × \(dimension) generated unit vectors in \(clusters) clusters, \(queryCount) queries"
    )
  }

  /// The table's rows: `item`, `price`, `category` and `vector`, as in the seed example.
  func recordBatch() throws -> RecordBatch {
    let categories = ["a", "b", "c", "d"]
    let items = (0..<rowCount).map { String(format: "item-%05d", $0) }
    let prices = (0..<rowCount).map { Double(($0 * 37) % 100) / 2 + 1 }
    let category = (0..<rowCount).map { categories[$0 % categories.count] }
    return try RecordBatch([
      (name: "item", column: items), (name: "price", column: prices),
      (name: "category", column: category),
      (name: "vector", column: try Column(vectors: base, dimension: dimension)),
    ])
  }
}

/// A seeded generator for the demo's data (SplitMix64 with Box-Muller normals).
struct DemoRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A standard normal value.
  mutating func gaussian() -> Float {
    let u1 = Double(next() >> 11) / Double(1 << 53) + 1e-12
    let u2 = Double(next() >> 11) / Double(1 << 53)
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }
}
