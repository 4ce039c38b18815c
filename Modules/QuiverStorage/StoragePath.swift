/// A relative, validated path of an object inside a storage root: one or more components, each
/// non-empty, not `.` or `..`, without `/` or NUL; never absolute. Text that does not meet these
/// rules (for example a data-file name read from a damaged or hostile manifest) is rejected with
/// `StorageError.Code.invalidPath`, so such a path can never name anything outside the root.
///
/// ```swift
/// let path = try StoragePath("data/0f3c.qvf")          // ["data", "0f3c.qvf"]
/// let manifest = StoragePath.root.appending(try .name("_versions"))
/// ```
public struct StoragePath: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The components, outermost first; empty only for `root`.
  public let components: [String]

  /// The root itself (no components): the prefix that lists everything.
  public static let root = StoragePath(trustedComponents: [])

  /// Parses `/`-separated relative text ("data/x.qvf").
  /// - Throws: `StorageError` `.invalidPath` if the text is empty, absolute, or has an empty,
  ///   `.`, `..` or NUL-containing component.
  public init(_ text: String) throws {
    try Self.validate(text)
    components = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
  }

  /// Checks that `text` would make a valid path, without building one (one pass over its
  /// bytes, no allocation: manifests check every path they name).
  /// - Throws: `StorageError` `.invalidPath` as `init(_:)` does.
  public static func validate(_ text: String) throws {
    var text = text
    let problem = text.withUTF8 { bytes -> String? in
      guard !bytes.isEmpty else { return "is empty" }
      guard bytes[0] != UInt8(ascii: "/") else { return "is absolute" }
      var start = 0
      for index in 0...bytes.count {
        let byte = index < bytes.count ? bytes[index] : UInt8(ascii: "/")
        if byte == 0 { return "contains a NUL byte" }
        guard byte == UInt8(ascii: "/") else { continue }
        let length = index - start
        if length == 0 { return "has an empty component" }
        let dot = UInt8(ascii: ".")
        if bytes[start] == dot, length == 1 || (length == 2 && bytes[start + 1] == dot) {
          return "has a '\(length == 1 ? "." : "..")' component"
        }
        start = index + 1
      }
      return nil
    }
    if let problem { throw invalid(text, problem) }
  }

  /// A path of exactly one component, for a name that must not contain a separator (a uuid,
  /// a file name).
  /// - Throws: `StorageError` `.invalidPath` if `name` is empty, `.`, `..`, or contains `/` or
  ///   NUL.
  public static func name(_ name: String) throws -> StoragePath {
    try check(name, in: name)
    return StoragePath(trustedComponents: [name])
  }

  /// This path with `other` appended.
  public func appending(_ other: StoragePath) -> StoragePath {
    StoragePath(trustedComponents: components + other.components)
  }

  /// This path with one more component.
  /// - Throws: `StorageError` `.invalidPath` if `name` is not a single valid component.
  public func appending(name: String) throws -> StoragePath {
    appending(try .name(name))
  }

  /// The last component (the object's name); empty for `root`.
  public var lastComponent: String { components.last ?? "" }

  /// The path without its last component (`root` for a one-component path and for `root`).
  public var parent: StoragePath { StoragePath(trustedComponents: Array(components.dropLast())) }

  /// Whether `prefix`'s components are the first components of this path.
  public func hasPrefix(_ prefix: StoragePath) -> Bool {
    components.count >= prefix.components.count
      && zip(components, prefix.components).allSatisfy { $0 == $1 }
  }

  /// This path relative to `prefix`, or nil if it does not start with it.
  public func relative(to prefix: StoragePath) -> StoragePath? {
    guard hasPrefix(prefix) else { return nil }
    return StoragePath(trustedComponents: Array(components.dropFirst(prefix.components.count)))
  }

  /// The components joined by `/` ("data/x.qvf"; "" for `root`).
  public var description: String { components.joined(separator: "/") }

  /// Orders by component, so a folder's objects sort together.
  public static func < (left: StoragePath, right: StoragePath) -> Bool {
    left.components.lexicographicallyPrecedes(right.components)
  }

  private init(trustedComponents: [String]) { components = trustedComponents }

  /// This path with `name` appended, for names that cannot be invalid (read from a folder
  /// listing, which never holds `/` or NUL; the caller skips `.` and `..`).
  package func appending(trustedName name: String) -> StoragePath {
    StoragePath(trustedComponents: components + [name])
  }

  private static func check(_ component: String, in text: String) throws {
    if component.isEmpty { throw invalid(text, "has an empty component") }
    if component == "." || component == ".." {
      throw invalid(text, "has a '\(component)' component")
    }
    if component.utf8.contains(UInt8(ascii: "/")) { throw invalid(text, "contains '/'") }
    if component.utf8.contains(0) { throw invalid(text, "contains a NUL byte") }
  }

  private static func invalid(_ text: String, _ problem: String) -> StorageError {
    StorageError(.invalidPath, "path '\(text)' \(problem); only relative names inside the root are allowed")
  }
}
