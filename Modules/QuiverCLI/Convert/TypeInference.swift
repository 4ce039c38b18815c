/// Chooses a column's type from a sample of its values written as text (nil for an empty field):
/// the narrowest of bool, int64, float64 and vector (float32 lists `[…]` of one length) that
/// every non-null value parses as, else string.
enum TypeInference {
  /// The type for `values`; string when no value is present.
  static func infer(_ values: [String?]) -> ExchangeType {
    let present = values.compactMap { $0 }
    guard !present.isEmpty else { return .string }
    if present.allSatisfy({ TextValue.bool($0) != nil }) { return .bool }
    if present.allSatisfy({ Int64($0) != nil }) { return .int64 }
    if present.allSatisfy({ TextValue.double($0) != nil }) { return .float64 }
    if let dimension = vectorDimension(present) { return .vector(.float32, dimension: dimension) }
    return .string
  }

  /// The common length of `values` when every one is a list of float32 texts, else nil.
  static func vectorDimension(_ values: [String]) -> Int? {
    var dimension: Int? = nil
    for value in values {
      guard let elements = TextValue.list(value), !elements.isEmpty,
        elements.allSatisfy({ TextValue.float($0) != nil })
      else { return nil }
      if let dimension, dimension != elements.count { return nil }
      dimension = elements.count
    }
    return dimension
  }
}
