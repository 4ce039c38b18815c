/// Exact nearest-neighbour ids per query, read from an `.ivecs` (or int32 `.npy`) file.
enum GroundTruth {
  /// The first `count` records' ids, nearest first.
  /// - Throws: `CLIError` for a file that is not int32 vectors or has fewer than `count` records.
  static func read(_ path: String, count: Int) throws -> [[Int64]] {
    guard let format = ExchangeFormat(path: path), format == .ivecs || format == .npy else {
      throw CLIError(.usage, "\(path): ground truth must be an .ivecs or int32 .npy file")
    }
    var reader = try ExchangeFiles.reader(path: path, format: format, options: ExchangeFiles.ReadOptions())
    var result: [[Int64]] = []
    while result.count < count, let batch = try reader.nextBatch() {
      guard case .vector(let element, let dimension, let bytes) = batch.columns[0] else { break }
      let ints = try VectorConversion.convert(bytes, from: element, to: .int32, context: "\(path): ground truth ids are int32")
      ints.withUnsafeBytes { raw in
        let values = raw.bindMemory(to: Int32.self)
        for row in 0..<(values.count / dimension) where result.count < count {
          result.append(values[(row * dimension)..<((row + 1) * dimension)].map { Int64($0) })
        }
      }
    }
    guard result.count == count else {
      throw CLIError(.badData, "\(path): \(result.count) records of ground truth for \(count) queries")
    }
    return result
  }
}
