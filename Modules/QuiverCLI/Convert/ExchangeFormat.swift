import QuiverExchange

/// The file formats `quiver convert` reads and writes, named by the file's extension.
enum ExchangeFormat: String, Sendable, CaseIterable {
  case fvecs, bvecs, ivecs, npy, csv, jsonl, parquet, arrow, arrowStream

  /// The format named by `path`'s extension, or nil for an extension Quiver does not know.
  init?(path: String) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    switch name[name.index(after: dot)...].lowercased() {
    case "fvecs": self = .fvecs
    case "bvecs": self = .bvecs
    case "ivecs": self = .ivecs
    case "npy": self = .npy
    case "csv": self = .csv
    case "jsonl", "ndjson": self = .jsonl
    case "parquet": self = .parquet
    case "arrow", "feather": self = .arrow
    case "arrows": self = .arrowStream
    default: return nil
    }
  }

  /// The extension of `path` (without the dot), or nil when it has none.
  static func pathExtension(_ path: String) -> String? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    return String(name[name.index(after: dot)...])
  }

  /// The extensions Quiver knows, for messages.
  static let knownExtensions =
    ".fvecs, .bvecs, .ivecs, .npy, .csv, .jsonl (or .ndjson), .parquet, .arrow (or .feather), .arrows"

  /// The vecs variant, when this is one.
  var vecs: VecsFormat? { VecsFormat(rawValue: rawValue) }

  /// Whether the format holds only one vector column.
  var holdsOnlyVectors: Bool { vecs != nil || self == .npy }
}
