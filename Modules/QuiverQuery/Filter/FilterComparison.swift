/// A comparison operator of the filter language.
public enum FilterComparison: String, Sendable, Hashable, CaseIterable {
  /// `=` (also written `==`).
  case equal
  /// `!=` (also written `<>`).
  case notEqual
  /// `<`.
  case less
  /// `<=`.
  case lessOrEqual
  /// `>`.
  case greater
  /// `>=`.
  case greaterOrEqual

  /// The operator as written in canonical form.
  public var symbol: String {
    switch self {
    case .equal: "="
    case .notEqual: "!="
    case .less: "<"
    case .lessOrEqual: "<="
    case .greater: ">"
    case .greaterOrEqual: ">="
    }
  }

  /// The operator with its operands swapped (`a < b` is `b > a`).
  public var mirrored: FilterComparison {
    switch self {
    case .equal, .notEqual: self
    case .less: .greater
    case .lessOrEqual: .greaterOrEqual
    case .greater: .less
    case .greaterOrEqual: .lessOrEqual
    }
  }

  /// Whether an ordering result (`-1`, `0`, `1` for less, equal, greater) satisfies the operator.
  @inlinable
  public func holds(ordering: Int) -> Bool {
    switch self {
    case .equal: ordering == 0
    case .notEqual: ordering != 0
    case .less: ordering < 0
    case .lessOrEqual: ordering <= 0
    case .greater: ordering > 0
    case .greaterOrEqual: ordering >= 0
    }
  }
}
