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

  /// Offers in batches (rows of a partition, as the fast scan's select pass writes them) keep
  /// what offers one by one keep.
  @Test(arguments: [1, 10, 100])
  func batchOffersKeepTheSameNeighborsAsSingleOffers(k: Int) {
    var random = SeededGenerator(seed: 0x5E5E_0002)
    var batched = NeighborReservoir(k: k)
    var single = NeighborReservoir(k: k)
    var top = TopK(k: k)
    for partition in 0..<40 {
      let rowCount = Int.random(in: 0..<300, using: &random)
      let ids = (0..<UInt64(rowCount)).map { UInt64(partition) << 32 | $0 }
      let rows = (0..<UInt32(rowCount)).filter { _ in Bool.random(using: &random) }
      let distances = rows.map { _ in Float(Int.random(in: 0..<400, using: &random)) / 16 }
      rows.withUnsafeBufferPointer { r in
        distances.withUnsafeBufferPointer { d in
          ids.withUnsafeBufferPointer { i in
            if let rowBase = r.baseAddress, let distanceBase = d.baseAddress,
              let idBase = i.baseAddress
            {
              batched.insert(rows: rowBase, distances: distanceBase, offers: rows.count, ids: idBase)
            }
          }
        }
      }
      for (row, distance) in zip(rows, distances) {
        single.insert(id: ids[Int(row)], distance: distance)
        top.insert(id: ids[Int(row)], distance: distance)
      }
      #expect(batched.threshold == single.threshold)
      #expect(batched.threshold >= top.threshold)
    }
    #expect(batched.sorted() == top.sorted())
    #expect(batched.sorted().count == k)
  }
}
