import Foundation

/// A matrix read from an `.fvecs` or `.ivecs` file: `count` rows of `dimension` values, packed
/// row-major.
public struct VectorMatrix<Element: Sendable>: Sendable {
  /// Values per row.
  public var dimension: Int
  /// Number of rows.
  public var count: Int
  /// `count × dimension` values, row `i` at `values[i * dimension ..< (i + 1) * dimension]`.
  public var values: [Element]

  /// Creates a matrix from packed values.
  ///
  /// - Precondition: `values.count == count * dimension`.
  public init(dimension: Int, count: Int, values: [Element]) {
    precondition(values.count == count * dimension, "values do not fill \(count) × \(dimension)")
    self.dimension = dimension
    self.count = count
    self.values = values
  }

  /// Row `index` as an array.
  public func row(_ index: Int) -> [Element] {
    Array(values[(index * dimension)..<((index + 1) * dimension)])
  }

  /// The first `rows` rows (all of them if `rows >= count`).
  public func prefix(_ rows: Int) -> VectorMatrix {
    let kept = min(rows, count)
    return VectorMatrix(
      dimension: dimension, count: kept, values: Array(values[0..<(kept * dimension)]))
  }
}

/// Why a vector file could not be read.
public struct VectorFileError: Error, CustomStringConvertible, Sendable {
  /// What went wrong, naming the file.
  public var description: String
}

/// Readers and writers for the `.fvecs` / `.ivecs` formats used by ANN benchmarks and
/// `Fixtures/`: per row a little-endian int32 dimension, then that many float32 / int32 values.
public enum VectorFiles {
  /// Reads an `.fvecs` file; `limit` keeps only the first rows.
  ///
  /// - Throws: `VectorFileError` if the file is missing, truncated or has rows of different
  ///   dimensions.
  public static func readFloats(_ url: URL, limit: Int? = nil) throws -> VectorMatrix<Float> {
    let (dimension, count, words) = try readWords(url, limit: limit)
    return VectorMatrix(
      dimension: dimension, count: count, values: words.map { Float(bitPattern: $0) })
  }

  /// Reads an `.ivecs` file; `limit` keeps only the first rows.
  ///
  /// - Throws: `VectorFileError` as for `readFloats`.
  public static func readIntegers(_ url: URL, limit: Int? = nil) throws -> VectorMatrix<Int32> {
    let (dimension, count, words) = try readWords(url, limit: limit)
    return VectorMatrix(
      dimension: dimension, count: count, values: words.map { Int32(bitPattern: $0) })
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

  private static func readWords(_ url: URL, limit: Int?) throws -> (Int, Int, [UInt32]) {
    let data: Data
    do {
      data = try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
      throw VectorFileError(description: "\(url.path): cannot read (\(error))")
    }
    guard data.count >= 4 else {
      if data.isEmpty { return (0, 0, []) }
      throw VectorFileError(description: "\(url.path): \(data.count) bytes, too short")
    }
    return try data.withUnsafeBytes { raw -> (Int, Int, [UInt32]) in
      let dimension = Int(Int32(littleEndian: raw.loadUnaligned(as: Int32.self)))
      guard dimension > 0 else {
        throw VectorFileError(description: "\(url.path): dimension \(dimension)")
      }
      let rowBytes = 4 * (dimension + 1)
      guard raw.count % rowBytes == 0 else {
        throw VectorFileError(
          description:
            "\(url.path): \(raw.count) bytes is not a whole number of \(rowBytes)-byte rows")
      }
      let count = min(raw.count / rowBytes, limit ?? Int.max)
      var words = [UInt32](repeating: 0, count: count * dimension)
      for row in 0..<count {
        let rowStart = row * rowBytes
        let rowDimension = Int32(
          littleEndian: raw.loadUnaligned(fromByteOffset: rowStart, as: Int32.self))
        guard rowDimension == dimension else {
          throw VectorFileError(
            description: "\(url.path): row \(row) has dimension \(rowDimension), not \(dimension)")
        }
        for column in 0..<dimension {
          words[row * dimension + column] = UInt32(
            littleEndian: raw.loadUnaligned(
              fromByteOffset: rowStart + 4 * (column + 1), as: UInt32.self))
        }
      }
      return (dimension, count, words)
    }
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
