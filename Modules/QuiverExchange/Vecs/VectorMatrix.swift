/// `count` vectors of `dimension` values packed row-major: what an `.fvecs` or `.ivecs` file
/// holds, read whole (data sets, query sets and ground truth of benchmarks and tests).
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

extension VectorMatrix where Element == Float {
  /// Reads the `.fvecs` file at `path` through `VecsReader`, at most `limit` rows.
  /// - Throws: `ExchangeError` as `VecsReader` does.
  public init(fvecsAt path: String, limit: Int = .max) throws {
    let (dimension, count, words) = try VecsReader.readWords(path, format: .fvecs, limit: limit)
    self.init(dimension: dimension, count: count, values: words.map { Float(bitPattern: $0) })
  }
}

extension VectorMatrix where Element == Int32 {
  /// Reads the `.ivecs` file at `path` through `VecsReader`, at most `limit` rows.
  /// - Throws: `ExchangeError` as `VecsReader` does.
  public init(ivecsAt path: String, limit: Int = .max) throws {
    let (dimension, count, words) = try VecsReader.readWords(path, format: .ivecs, limit: limit)
    self.init(dimension: dimension, count: count, values: words.map { Int32(bitPattern: $0) })
  }
}

extension VecsReader {
  /// The 32-bit values of the first `limit` records of a 4-byte-valued file.
  fileprivate static func readWords(_ path: String, format: VecsFormat, limit: Int) throws
    -> (dimension: Int, count: Int, words: [UInt32])
  {
    var reader = try VecsReader(path: path, format: format)
    let (count, bytes) = try reader.readAll(limit: limit)
    let words = bytes.withUnsafeBytes { raw in
      (0..<(bytes.count / 4)).map {
        UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))
      }
    }
    return (reader.dimension, count, words)
  }
}
