import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

/// The fast scan's reservoir keeps exactly what `TopK` keeps: the `k` best by distance, ties
/// broken by id, however many offers arrive and in whatever order.
@Suite struct NeighborReservoirTests {
  @Test(arguments: [0, 1, 5, 100])
  func keepsTheSameNeighborsAsTopK(k: Int) {
    var random = SeededGenerator(seed: 0x5E5E_0001)
    for offers in [0, 1, k, max(0, 2 * k - 1), 2 * k, 2 * k + 1, 5_000] {
      var reservoir = NeighborReservoir(k: k)
      var top = TopK(k: k)
      for id in (0..<UInt64(offers)).shuffled(using: &random) {
        // Few distinct distances: many ties, decided by id.
        let distance = Float(Int.random(in: 0..<50, using: &random)) / 8
        reservoir.insert(id: id, distance: distance)
        top.insert(id: id, distance: distance)
        // Never tighter than the heap's: it must not turn away one of the k best.
        if k > 0 { #expect(reservoir.threshold >= top.threshold) }
      }
      #expect(reservoir.sorted() == top.sorted(), "k \(k), \(offers) offers")
    }
  }
}
