import QuiverKernels
import QuiverTestSupport
import Testing

/// A (query, row) pair gives the same bits wherever a scan puts the row (issue 14): alone, at
/// every position of a one-to-many call (inside a group of rows or among the leftovers), in the
/// streaming path of large calls, among the rows a filter kept, by row number, and in every cell
/// of a many-to-many block. Exact search results then do not change when a compaction regroups
/// rows or a scan is split differently between threads.
extension KernelPathTests {
  /// Around every SIMD width (4, 8, 16 lanes; two or four accumulators) and a real embedding size.
  static let orderDimensions = [1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 384]

  @Test(arguments: KernelISA.supported)
  func aRowsDistanceDoesNotDependOnWhereItSits(isa: KernelISA) throws {
    try withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_000A)
      for dimension in Self.orderDimensions {
        try expectFloatPositionsUnchanged(dimension, &random, "\(isa) dim \(dimension)")
        try expectQuantizedPositionsUnchanged(dimension, &random, "\(isa) dim \(dimension)")
      }
    }
  }

  /// Float rows: each in every shape, against the row alone (one-to-one).
  func expectFloatPositionsUnchanged(
    _ dimension: Int, _ random: inout SeededGenerator, _ label: String
  ) throws {
    let rowCount = 9
    let queries = random.floats(6 * dimension)
    let rows = random.floats(rowCount * dimension)
    let filler = random.floats(Self.streamingRows(dimension) * dimension)
    for metric in DistanceMetric.allCases {
      let label = "\(label) \(metric)"
      let alone = try (0..<rowCount).map { row in
        try metric.distance(
          Array(queries[0..<dimension]),
          Array(rows[(row * dimension)..<((row + 1) * dimension)]))
      }
      // Every window of consecutive rows: each row at every position of a group and a tail.
      for start in 0..<rowCount {
        for end in (start + 1)...rowCount {
          let got = try metric.distances(
            from: Array(queries[0..<dimension]),
            to: Array(rows[(start * dimension)..<(end * dimension)]))
          for row in start..<end {
            try #require(
              got[row - start].bitPattern == alone[row].bitPattern,
              "\(label): row \(row) at \(row - start) of \(end - start): \(got[row - start])")
          }
        }
      }
      // A call over a megabyte (the streaming path from dimension 64 on), the rows first and
      // last, the last ones among the leftovers of the groups of four.
      let large = try metric.distances(
        from: Array(queries[0..<dimension]), to: rows + filler + rows)
      let lastStart = large.count - rowCount
      for row in 0..<rowCount {
        try #require(large[row].bitPattern == alone[row].bitPattern, "\(label): large, first")
        try #require(
          large[lastStart + row].bitPattern == alone[row].bitPattern, "\(label): large, last")
      }
      try expectFilteredRowsUnchanged(metric, queries, rows, alone, dimension, label)
      try expectBlockCellsUnchanged(metric, queries, rows, dimension, label)
    }
  }

  /// Rows of `dimension` floats past the streaming threshold (1 MiB), leaving the row count
  /// three past a multiple of four with the 18 rows around them (three leftover rows).
  static func streamingRows(_ dimension: Int) -> Int {
    let rows = (1 << 20) / (dimension * 4) + 8
    return rows - (rows + 18) % 4 + 3
  }

  /// The rows a filter keeps, gathered and scanned together, and the same rows by row number
  /// (the re-rank path), in reverse order.
  func expectFilteredRowsUnchanged(
    _ metric: DistanceMetric, _ queries: [Float], _ rows: [Float], _ alone: [Float],
    _ dimension: Int, _ label: String
  ) throws {
    let query = Array(queries[0..<dimension])
    for keep in 1...3 {
      let kept = (0..<alone.count).filter { $0 % keep == 0 || $0 % 4 == keep }
      let gathered = kept.flatMap { rows[($0 * dimension)..<(($0 + 1) * dimension)] }
      let got = try metric.distances(from: query, to: gathered)
      var byNumber = [Float](repeating: .nan, count: kept.count)
      let numbers = Array(kept.reversed())
      query.withUnsafeBufferPointer { q in
        rows.withUnsafeBufferPointer { base in
          numbers.withUnsafeBufferPointer { numbers in
            metric.distances(
              from: q.baseAddress!, toRows: numbers.baseAddress!, of: base.baseAddress!,
              count: kept.count, dimension: dimension, into: &byNumber)
          }
        }
      }
      for (position, row) in kept.enumerated() {
        try #require(got[position].bitPattern == alone[row].bitPattern, "\(label): filtered")
        try #require(
          byNumber[kept.count - 1 - position].bitPattern == alone[row].bitPattern,
          "\(label): by row number")
      }
    }
  }

  /// Every cell of many-to-many blocks of 1-6 queries × 1-9 rows: each query and row at every
  /// position of the register tiles and their leftovers.
  func expectBlockCellsUnchanged(
    _ metric: DistanceMetric, _ queries: [Float], _ rows: [Float], _ dimension: Int,
    _ label: String
  ) throws {
    let queryCount = queries.count / dimension
    let rowCount = rows.count / dimension
    let alone = try (0..<queryCount).map { query in
      try metric.distances(
        from: Array(queries[(query * dimension)..<((query + 1) * dimension)]), to: rows)
    }
    for blockQueries in 1...queryCount {
      for blockRows in [1, 2, 3, 4, 5, 8, 9] where blockRows <= rowCount {
        let block = try metric.distanceBlock(
          queries: Array(queries[0..<(blockQueries * dimension)]),
          points: Array(rows[0..<(blockRows * dimension)]), dimension: dimension)
        for query in 0..<blockQueries {
          for row in 0..<blockRows {
            let got = block[query * blockRows + row]
            try #require(
              got.bitPattern == alone[query][row].bitPattern,
              "\(label): block \(blockQueries)×\(blockRows) cell \(query),\(row): \(got)")
          }
        }
      }
    }
  }

  /// The 8-bit scalar-quantized scans score a row the same alone, in a group of four or among
  /// the leftovers; half-precision rows likewise.
  func expectQuantizedPositionsUnchanged(
    _ dimension: Int, _ random: inout SeededGenerator, _ label: String
  ) throws {
    let rowCount = 9
    let query = random.floats(dimension)
    let scale = random.floats(dimension, in: 0.001...0.02)
    let codes = random.bytes(rowCount * dimension)
    let halves = KernelReference.randomHalves(rowCount * dimension, using: &random)
    func row<Element>(_ values: [Element], _ row: Int) -> [Element] {
      Array(values[(row * dimension)..<((row + 1) * dimension)])
    }
    let aloneL2 = try (0..<rowCount).map {
      try QuantizedKernels.sq8SquaredL2(
        queryMinusOffset: query, scale: scale, codes: row(codes, $0))[0]
    }
    let aloneSum = try (0..<rowCount).map {
      try QuantizedKernels.sq8WeightedSum(weight: query, codes: row(codes, $0))[0]
    }
    let aloneHalves = try DistanceMetric.allCases.map { metric in
      try (0..<rowCount).map {
        try metric.distances(from: query, toHalfPrecision: row(halves, $0))[0]
      }
    }
    for start in 0..<rowCount {
      let window = (start * dimension)..<(rowCount * dimension)
      let l2 = try QuantizedKernels.sq8SquaredL2(
        queryMinusOffset: query, scale: scale, codes: Array(codes[window]))
      let sums = try QuantizedKernels.sq8WeightedSum(weight: query, codes: Array(codes[window]))
      for row in start..<rowCount {
        try #require(l2[row - start].bitPattern == aloneL2[row].bitPattern, "\(label) sq8 l2")
        try #require(sums[row - start].bitPattern == aloneSum[row].bitPattern, "\(label) sq8")
      }
      for (metricIndex, metric) in DistanceMetric.allCases.enumerated() {
        let got = try metric.distances(from: query, toHalfPrecision: Array(halves[window]))
        for row in start..<rowCount {
          try #require(
            got[row - start].bitPattern == aloneHalves[metricIndex][row].bitPattern,
            "\(label) \(metric) half precision")
        }
      }
    }
  }
}
