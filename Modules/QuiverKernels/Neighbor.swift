/// A candidate row and its distance to a query.
public struct Neighbor: Sendable, Hashable {
  /// The row's id (in a table: fragment id in the high 32 bits, offset in the low 32).
  public var id: UInt64
  /// The distance to the query; smaller is closer.
  public var distance: Float

  /// Creates a neighbour.
  @inlinable
  public init(id: UInt64, distance: Float) {
    self.id = id
    self.distance = distance
  }

  /// The order results are returned in: by distance, ties broken by the smaller id.
  @inlinable
  public static func precedes(_ a: Neighbor, _ b: Neighbor) -> Bool {
    a.distance < b.distance || (a.distance == b.distance && a.id < b.id)
  }
}
