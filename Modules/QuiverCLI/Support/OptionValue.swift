import ArgumentParser
import Foundation
import Quiver

/// Parsers of option values that name the valid choices when a value is not one of them
/// (`transform:` of an `@Option`).
enum OptionValue {
  /// A distance metric: `l2`, `cosine` or `dot`, in any case.
  /// - Throws: `ValidationError` naming the value and the metrics.
  static func metric(_ text: String) throws -> DistanceMetric {
    guard let metric = DistanceMetric(rawValue: text.lowercased()) else {
      throw ValidationError("unknown metric '\(text)'; use l2, cosine or dot")
    }
    return metric
  }

  /// An index type (`IVF_PQ`, `hnsw`, …), in any case.
  /// - Throws: `ValidationError` naming the value and the types.
  static func indexType(_ text: String) throws -> IndexType {
    guard let type = IndexType(rawValue: text.uppercased()) else {
      let known = IndexType.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("unknown index type '\(text)'; use \(known)")
    }
    return type
  }

  /// The items of a comma-separated list of positive integers (`128,384`); nil when the list is
  /// empty or an item is not a positive integer.
  static func positiveIntegers(_ text: String) -> [Int]? {
    let items = text.split(separator: ",", omittingEmptySubsequences: false)
    let values = items.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.count == items.count, values.allSatisfy({ $0 > 0 }) else {
      return nil
    }
    return values
  }
}
