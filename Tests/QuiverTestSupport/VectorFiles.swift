@_exported import enum QuiverExchange.ExchangeErrorCode
@_exported import struct QuiverExchange.VectorMatrix
@_exported import typealias QuiverExchange.ExchangeError
import Foundation
import QuiverExchange

/// Reading and writing the `.fvecs` / `.ivecs` files of ANN benchmarks and `Fixtures/`: per row
/// a little-endian int32 dimension, then that many float32 / int32 values.
public enum VectorFiles {
  /// Reads an `.fvecs` file (QuiverExchange's reader); `limit` keeps only the first rows.
  ///
  /// - Throws: `ExchangeError` if the file is missing, truncated or has rows of different
  ///   dimensions.
  public static func readFloats(_ url: URL, limit: Int? = nil) throws -> VectorMatrix<Float> {
    try VectorMatrix(fvecsAt: url.path, limit: limit ?? .max)
  }

  /// Reads an `.ivecs` file; `limit` keeps only the first rows.
  ///
  /// - Throws: `ExchangeError` as for `readFloats`.
  public static func readIntegers(_ url: URL, limit: Int? = nil) throws -> VectorMatrix<Int32> {
    try VectorMatrix(ivecsAt: url.path, limit: limit ?? .max)
  }

  /// Writes `matrix` as an `.fvecs` file.
  public static func writeFloats(_ matrix: VectorMatrix<Float>, to url: URL) throws {
    try writeWords(matrix.values.map(\.bitPattern), dimension: matrix.dimension, to: url)
  }

  /// Writes `matrix` as an `.ivecs` file.
  public static func writeIntegers(_ matrix: VectorMatrix<Int32>, to url: URL) throws {
    try writeWords(
      matrix.values.map { UInt32(bitPattern: $0) }, dimension: matrix.dimension, to: url)
  }

  private static func writeWords(_ words: [UInt32], dimension: Int, to url: URL) throws {
    precondition(dimension > 0 && words.count % dimension == 0, "invalid matrix")
    var data = Data(capacity: words.count / dimension * 4 * (dimension + 1))
    for row in 0..<(words.count / dimension) {
      withUnsafeBytes(of: UInt32(dimension).littleEndian) { data.append(contentsOf: $0) }
      for word in words[(row * dimension)..<((row + 1) * dimension)] {
        withUnsafeBytes(of: word.littleEndian) { data.append(contentsOf: $0) }
      }
    }
    try data.write(to: url)
  }
}

/// The checked-in `Fixtures/minilm-2k` data set: 2,000 × 384 base vectors, 100 queries and
/// exact top-100 ground truth per metric (see its README).
public enum MiniLMFixture {
  /// `Fixtures/minilm-2k`.
  public static var folder: URL { TestPaths.fixtures.appendingPathComponent("minilm-2k") }

  /// The 2,000 base vectors (ids 0..1999).
  public static func base() throws -> VectorMatrix<Float> {
    try VectorFiles.readFloats(folder.appendingPathComponent("base.fvecs"))
  }

  /// The 100 queries.
  public static func queries() throws -> VectorMatrix<Float> {
    try VectorFiles.readFloats(folder.appendingPathComponent("query.fvecs"))
  }

  /// Exact top-100 base ids per query for `metric` ("l2", "cosine" or "dot").
  public static func groundTruth(_ metric: String) throws -> VectorMatrix<Int32> {
    try VectorFiles.readIntegers(folder.appendingPathComponent("groundtruth_\(metric).ivecs"))
  }

  /// Exact top-100 distances per query for `metric`.
  public static func groundTruthDistances(_ metric: String) throws -> VectorMatrix<Float> {
    try VectorFiles.readFloats(folder.appendingPathComponent("groundtruth_\(metric).dist.fvecs"))
  }
}

/// Recall@k: the mean over queries of |found[0..<k] ∩ truth[0..<k]| / k.
///
/// - Parameters:
///   - found: per query, the returned ids nearest first (may be shorter than `k`).
///   - truth: exact ids, `truth.dimension >= k`.
public func recall(at k: Int, found: [[UInt64]], truth: VectorMatrix<Int32>) -> Double {
  precondition(truth.dimension >= k && found.count <= truth.count, "ground truth too small")
  guard !found.isEmpty else { return 0 }
  var hits = 0
  for (query, ids) in found.enumerated() {
    let exact = Set(truth.row(query).prefix(k).map { UInt64($0) })
    hits += ids.prefix(k).filter { exact.contains($0) }.count
  }
  return Double(hits) / Double(found.count * k)
}
