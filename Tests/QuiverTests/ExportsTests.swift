import Quiver
import Testing

@Test func quiverReexportsTheKernels() throws {
  #expect(try DistanceMetric.l2.distance([1, 2], [4, 6]) == 25)
}
