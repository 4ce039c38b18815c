import QuiverKernels
import QuiverTestSupport
import Testing

/// The reference: sort every (distance, index) pair, NaNs dropped, and take the first k.
private func referenceTop(_ k: Int, _ distances: [Float]) -> [Neighbor] {
  let kept = distances.enumerated().filter { !$0.element.isNaN }
    .map { Neighbor(id: UInt64($0.offset), distance: $0.element) }
  return Array(kept.sorted(by: Neighbor.precedes).prefix(k))
}

@Test(arguments: [0, 1, 2, 5, 10, 64, 1000])
func topKMatchesFullSort(k: Int) throws {
  var random = SeededGenerator(seed: 21)
  let distances = random.floats(1000, in: 0...100)
  #expect(try TopK.select(k, from: distances) == referenceTop(k, distances))
}

@Test func topKBreaksTiesBySmallerIdWhateverTheInsertionOrder() throws {
  var random = SeededGenerator(seed: 22)
  // Only four distinct values, so most of the k = 50 winners are ties.
  let distances = (0..<500).map { _ in Float(Int.random(in: 0..<4, using: &random)) }
  let expected = referenceTop(50, distances)
  #expect(try TopK.select(50, from: distances) == expected)
  var order = Array(distances.indices)
  order.shuffle(using: &random)
  var top = TopK(k: 50)
  for index in order { top.insert(id: UInt64(index), distance: distances[index]) }
  #expect(top.sorted() == expected)
  // All equal: the smallest ids win, in id order.
  let equal = [Float](repeating: 3, count: 20)
  #expect(try TopK.select(5, from: equal).map(\.id) == [0, 1, 2, 3, 4])
}

@Test func topKSkipsNaNAndKeepsInfinity() throws {
  let distances: [Float] = [.nan, 2, .infinity, .nan, 1, -1]
  let top = try TopK.select(6, from: distances)
  #expect(top.map(\.id) == [5, 4, 1, 2])
  #expect(top.allSatisfy { !$0.distance.isNaN })
  #expect(try TopK.select(2, from: distances).map(\.id) == [5, 4])
}

@Test func topKEdgeSizes() throws {
  #expect(try TopK.select(0, from: []) == [])
  #expect(try TopK.select(0, from: [1, 2]) == [])
  #expect(try TopK.select(3, from: [3, 1, 2]).map(\.id) == [1, 2, 0])
  var empty = TopK(k: 0)
  empty.insert(id: 1, distance: 0)
  #expect(empty.count == 0 && empty.sorted().isEmpty)
  var one = TopK(k: 1)
  #expect(one.threshold == .infinity)
  one.insert(id: 9, distance: 4)
  one.insert(id: 3, distance: 5)
  #expect(one.threshold == 4)
  #expect(one.sorted() == [Neighbor(id: 9, distance: 4)])
}

@Test func topKRejectsBadK() {
  #expect(throws: KernelError(.invalidK, "k = 3 with 2 candidates; k must be in 0...2")) {
    try TopK.select(3, from: [1, 2])
  }
  do {
    _ = try TopK.select(-1, from: [1, 2])
    Issue.record("k = -1 was accepted")
  } catch {
    #expect(error.code == .invalidK)
  }
}
