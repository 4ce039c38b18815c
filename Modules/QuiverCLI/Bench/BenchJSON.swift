import Foundation

/// The `--json` output of the benchmarks whose results are `Encodable` values.
enum BenchJSON {
  /// Prints `results` on standard output as pretty-printed JSON with sorted keys.
  static func print(_ results: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    Swift.print(String(decoding: try encoder.encode(results), as: UTF8.self))
  }
}
