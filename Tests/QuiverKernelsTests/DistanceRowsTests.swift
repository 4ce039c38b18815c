import QuiverKernels
import QuiverTestSupport
import Testing

/// `distances(from:toRows:of:…)` gives, row for row, what `distance` gives for the same vectors,
/// whatever the order, repeats and count of the rows asked for.
@Suite struct DistanceRowsTests {
  @Test(arguments: [DistanceMetric.l2, .dot, .cosine])
  func rowDistancesMatchOneToOneDistances(metric: DistanceMetric) {
    var random = SeededGenerator(seed: 0xD157_0001)
    let dimension = 37
    let rowCount = 50
    let base = random.floats(rowCount * dimension)
    let query = random.floats(dimension)
    for count in [0, 1, 5, 9, 120] {
      let rows = (0..<count).map { _ in Int.random(in: 0..<rowCount, using: &random) }
      var out = [Float](repeating: .nan, count: count)
      query.withUnsafeBufferPointer { q in
        base.withUnsafeBufferPointer { b in
          rows.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { o in
              guard let rowStart = r.baseAddress, let outStart = o.baseAddress else { return }
              metric.distances(
                from: q.baseAddress!, toRows: rowStart, of: b.baseAddress!, count: count,
                dimension: dimension, into: outStart)
            }
          }
        }
      }
      for (position, row) in rows.enumerated() {
        let expected = try! metric.distance(
          query, Array(base[(row * dimension)..<((row + 1) * dimension)]))
        #expect(out[position] == expected, "\(metric) count \(count) position \(position)")
      }
    }
  }
}
