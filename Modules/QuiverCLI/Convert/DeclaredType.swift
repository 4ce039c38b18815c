import ArgumentParser

/// A column type given on the command line (`--column-type price=float64`), overriding inference
/// for CSV and JSON Lines input.
struct DeclaredType: ExpressibleByArgument, Sendable, Hashable {
  /// The column it applies to.
  var column: String
  /// The type; a vector's dimension is taken from the data (0 here).
  var type: ExchangeType

  /// The accepted type names.
  static let names =
    "bool, int64, float32, float64, string, vector (float32), vector:float16, vector:uint8, "
    + "vector:int32"

  init?(argument: String) {
    guard let equals = argument.lastIndex(of: "=") else { return nil }
    column = String(argument[..<equals])
    guard !column.isEmpty else { return nil }
    switch argument[argument.index(after: equals)...].lowercased() {
    case "bool": type = .bool
    case "int64", "int": type = .int64
    case "float32": type = .float32
    case "float64", "float", "double": type = .float64
    case "string", "utf8": type = .string
    case "vector", "vector:float32": type = .vector(.float32, dimension: 0)
    case "vector:float16": type = .vector(.float16, dimension: 0)
    case "vector:uint8": type = .vector(.uint8, dimension: 0)
    case "vector:int32": type = .vector(.int32, dimension: 0)
    default: return nil
    }
  }

  static var defaultCompletionKind: CompletionKind { .default }
}
