import Foundation
import ArgumentParser
import Foundation

/// `--sweep nprobes=5,10,20` (or `ef=…`, `refine-factor=…`): the search parameter a benchmark
/// varies and its values; the one parser of `quiver bench search` and `quiver bench index`.
/// Values are positive, except that a refine factor may be 0 (no refine).
struct SearchSweep: ExpressibleByArgument, Sendable, Hashable {
  /// The parameters a sweep can vary.
  enum Parameter: String, Sendable, Hashable, CaseIterable {
    case nprobes
    case ef
    case refineFactor = "refine-factor"
  }

  var parameter: Parameter
  var values: [Int]

  init?(argument: String) {
    let parts = argument.split(separator: "=", maxSplits: 1)
    guard parts.count == 2,
      let parameter = Parameter(rawValue: parts[0].replacingOccurrences(of: "_", with: "-"))
    else { return nil }
    let values = parts[1].split(separator: ",").compactMap {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    guard !values.isEmpty, values.count == parts[1].split(separator: ",").count,
      values.allSatisfy({ $0 > 0 || ($0 == 0 && parameter == .refineFactor) })
    else { return nil }
    self.parameter = parameter
    self.values = values
  }

  static var defaultValueDescription: String { "nprobes=5,10,20 | ef=… | refine-factor=…" }
}
