import Foundation
import QuiverFormat

/// Query vectors given on the command line: `--vector 0.1,0.2,…` or a file in any exchange
/// format (`.fvecs`, `.npy`, `.csv`, `.jsonl`, …) whose vector column holds them.
enum QueryVectors {
  /// The floats of `text` (`0.1,0.2,…`, brackets and spaces allowed).
  /// - Throws: `CLIError.usage` naming the element that is not a number.
  static func parse(_ text: String) throws -> [Float] {
    var body = Substring(text)
    if body.first == "[" { body = body.dropFirst() }
    if body.last == "]" { body = body.dropLast() }
    var vector: [Float] = []
    for (position, part) in body.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
      guard let value = TextValue.float(part), value.isFinite else {
        throw CLIError(.usage, "--vector: element \(position) '\(part)' is not a finite number")
      }
      vector.append(value)
    }
    guard !vector.isEmpty else { throw CLIError(.usage, "--vector: no numbers") }
    return vector
  }

  /// Every vector of the file at `path` (at most `limit`), as float32.
  /// - Parameter column: the vector column, when the file has several.
  /// - Throws: `CLIError` for an unknown format, a file without vectors, int32 vectors.
  static func read(_ path: String, column: String?, limit: Int? = nil) throws -> [[Float]] {
    guard let format = ExchangeFormat(path: path) else {
      throw CLIError(
        .usage, "\(path): unknown format; query files are \(ExchangeFormat.knownExtensions)")
    }
    var reader = try ExchangeFiles.reader(
      path: path, format: format, options: ExchangeFiles.ReadOptions(vectorColumn: column))
    let name = try ExchangeFiles.chooseVectorColumn(reader.fields, requested: column, output: path)
    var vectors: [[Float]] = []
    while let batch = try reader.nextBatch() {
      guard case .vector(let element, let dimension, let bytes) = batch.columns[batch.index(of: name)!]
      else { continue }
      let floats = try VectorConversion.convert(
        bytes, from: element, to: .float32, context: "\(path): query vectors must be float32")
      floats.withUnsafeBytes { raw in
        let values = raw.bindMemory(to: Float.self)
        for row in 0..<(values.count / dimension) {
          vectors.append(Array(values[(row * dimension)..<((row + 1) * dimension)]))
        }
      }
      if let limit, vectors.count >= limit { return Array(vectors.prefix(limit)) }
    }
    return vectors
  }
}
