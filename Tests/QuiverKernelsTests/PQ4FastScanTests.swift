import QuiverKernels
import QuiverTestSupport
import Testing

/// The fast-scan sum of one row, computed from row-major codes (low nibble first) with a byte
/// table: the reference every path must equal bit for bit.
private func referenceSums(table: [UInt8], codes: [UInt8], rowCount: Int, subVectorCount: Int)
  -> [UInt16]
{
  let rowBytes = (subVectorCount + 1) / 2
  return (0..<rowCount).map { row in
    var sum: UInt16 = 0
    for subVector in 0..<subVectorCount {
      let code = (codes[row * rowBytes + subVector / 2] >> (subVector % 2 == 0 ? 0 : 4)) & 0xF
      sum &+= UInt16(table[subVector * 16 + Int(code)])
    }
    return sum
  }
}

/// Random row-major codes; when `subVectorCount` is odd the unused high nibble of each row's
/// last byte stays zero, as the encoder writes it.
private func randomCodes(_ random: inout SeededGenerator, rowCount: Int, subVectorCount: Int)
  -> [UInt8]
{
  let rowBytes = (subVectorCount + 1) / 2
  var codes = random.bytes(rowCount * rowBytes)
  if subVectorCount % 2 == 1 {
    for row in 0..<rowCount { codes[row * rowBytes + rowBytes - 1] &= 0x0F }
  }
  return codes
}

/// The float lookup table `floats` (`subVectorCount × 16`) quantised to bytes, with the scale
/// and bias that map a byte sum back to about the float sum.
private func quantizedTable(_ floats: [Float], subVectorCount: Int)
  -> (table: [UInt8], mapping: (scale: Float, bias: Float))
{
  var table = [UInt8](
    repeating: 0, count: PQ4FastScan.lookupTableByteCount(subVectorCount: subVectorCount))
  let mapping = floats.withUnsafeBufferPointer { f in
    table.withUnsafeMutableBufferPointer { t in
      PQ4FastScan.quantize(
        lookupTable: f.baseAddress!, subVectorCount: subVectorCount, into: t.baseAddress!)
    }
  }
  return (table, mapping)
}

extension KernelPathTests {
  static let fastScanRowCounts = [0, 1, 31, 32, 33, 1000]
  static let fastScanSubVectorCounts = [1, 2, 3, 8, 48, 96, 257]

  @Test(arguments: KernelISA.supported)
  func pq4FastScanMatchesReferenceBitForBit(isa: KernelISA) throws {
    try withPath(isa) {
      var random = SeededGenerator(seed: 0xFA57_0001)
      for subVectorCount in Self.fastScanSubVectorCounts {
        for rowCount in Self.fastScanRowCounts {
          let codes = randomCodes(&random, rowCount: rowCount, subVectorCount: subVectorCount)
          // Full-range bytes: sums of 257 sub-vectors wrap, and must wrap alike on every path.
          var table = random.bytes(PQ4FastScan.lookupTableByteCount(subVectorCount: subVectorCount))
          if subVectorCount % 2 == 1 {
            for c in 0..<16 { table[subVectorCount * 16 + c] = 0 }
          }
          let blocks = try PQ4FastScan.pack(codes: codes, subVectorCount: subVectorCount)
          let expected = referenceSums(
            table: table, codes: codes, rowCount: rowCount, subVectorCount: subVectorCount)
          let sums = try PQ4FastScan.scan(
            table: table, blocks: blocks, rowCount: rowCount, subVectorCount: subVectorCount)
          #expect(sums == expected, "\(isa) \(rowCount) rows × \(subVectorCount) sub-vectors")

          // A filter: one block empty, the others random, so skipped and partial blocks occur.
          let blockCount = PQ4FastScan.blockCount(rowCount: rowCount)
          var masks = (0..<blockCount).map { _ in UInt32.random(in: 0...UInt32.max, using: &random) }
          if blockCount > 1 { masks[1] = 0 }
          if blockCount > 2 { masks[2] = .max }
          let filtered = try PQ4FastScan.scan(
            table: table, blocks: blocks, rowCount: rowCount, subVectorCount: subVectorCount,
            blockMasks: masks)
          let expectedFiltered = expected.indices.map { row in
            (masks[row / 32] >> UInt32(row % 32)) & 1 == 1 ? expected[row] : PQ4FastScan.filteredSum
          }
          #expect(filtered == expectedFiltered, "\(isa) filtered \(rowCount) × \(subVectorCount)")
        }
      }
    }
  }

  /// `PQ4FastScan.select` against a Swift loop with the same rounding: the same rows and the
  /// same distances bit for bit, around the 16-row step, with and without row terms and filtered
  /// sums.
  @Test(arguments: KernelISA.supported)
  func pq4SelectMatchesReferenceBitForBit(isa: KernelISA) throws {
    try withPath(isa) {
      var random = SeededGenerator(seed: 0xFA57_0002)
      for rowCount in [0, 1, 15, 16, 17, 31, 32, 33, 1000] {
        var sums = (0..<rowCount).map { _ in UInt16.random(in: 0...4000, using: &random) }
        for row in stride(from: 3, to: rowCount, by: 7) { sums[row] = PQ4FastScan.filteredSum }
        // One value more than the rows, so every buffer has a base address (0 rows too).
        let terms = random.floats(rowCount + 1, in: -0.5...0.5)
        let paddedSums = sums + [0]
        let base: Float = 0.37
        let scale: Float = 0.000_731
        for threshold in [-Float.infinity, 1.2, 2.0, 60, Float.infinity] {
          for withTerms in [false, true] {
            for skipFiltered in [false, true] {
              var expectedRows: [UInt32] = []
              var expectedDistances: [Float] = []
              for row in 0..<rowCount {
                let product = scale * Float(sums[row])
                var distance = base + product
                if withTerms { distance = distance + terms[row] }
                if distance <= threshold
                  && !(skipFiltered && sums[row] == PQ4FastScan.filteredSum)
                {
                  expectedRows.append(UInt32(row))
                  expectedDistances.append(distance)
                }
              }
              let (rows, distances) = selectedRows(rowCount: rowCount) {
                rowOutput, distanceOutput in
                paddedSums.withUnsafeBufferPointer { sums in
                  terms.withUnsafeBufferPointer { terms in
                    PQ4FastScan.select(
                      sums: sums.baseAddress!, terms: withTerms ? terms.baseAddress : nil,
                      rowCount: rowCount, base: base, scale: scale, threshold: threshold,
                      skipFiltered: skipFiltered, rows: rowOutput, distances: distanceOutput)
                  }
                }
              }
              let context = "\(isa) \(rowCount) rows, threshold \(threshold), terms \(withTerms)"
              #expect(rows == expectedRows, "\(context)")
              #expect(
                distances.map(\.bitPattern) == expectedDistances.map(\.bitPattern), "\(context)")
            }
          }
        }
      }
    }
  }

  @Test(arguments: KernelISA.supported)
  func pq4FastScanAllowsQuantisedSumsUpToTheLimit(isa: KernelISA) throws {
    // The largest byte every entry may take: 255 up to 256 sub-vectors, then 65534 / m.
    try withPath(isa) {
      for subVectorCount in [96, 256, 300] {
        let floats = (0..<(subVectorCount * 16)).map { Float($0 % 16) }
        let (table, mapping) = quantizedTable(floats, subVectorCount: subVectorCount)
        let largest = UInt16(min(255, 65534 / subVectorCount))
        #expect(table[15] == UInt8(largest))
        let codes = [UInt8](repeating: 0xFF, count: (subVectorCount + 1) / 2 * 33)
        let blocks = try PQ4FastScan.pack(codes: codes, subVectorCount: subVectorCount)
        let sums = try PQ4FastScan.scan(
          table: table, blocks: blocks, rowCount: 33, subVectorCount: subVectorCount)
        #expect(sums.allSatisfy { $0 == largest * UInt16(subVectorCount) })
        #expect(sums.allSatisfy { $0 != PQ4FastScan.filteredSum })
        #expect(abs(mapping.bias) == 0)
        #expect(abs(mapping.scale * Float(largest) - 15) < 1e-4)
      }
    }
  }
}

@Suite struct PQ4FastScanLayoutTests {
  @Test(arguments: [0, 1, 31, 32, 33, 100])
  func packThenUnpackGivesTheRowsBack(rowCount: Int) throws {
    var random = SeededGenerator(seed: 0xFA57_0002)
    for subVectorCount in [1, 3, 16, 95] {
      let codes = randomCodes(&random, rowCount: rowCount, subVectorCount: subVectorCount)
      let blocks = try PQ4FastScan.pack(codes: codes, subVectorCount: subVectorCount)
      #expect(
        blocks.count
          == PQ4FastScan.packedByteCount(rowCount: rowCount, subVectorCount: subVectorCount))
      let rowBytes = (subVectorCount + 1) / 2
      var row = [UInt8](repeating: 0, count: rowBytes)
      for index in 0..<rowCount {
        blocks.withUnsafeBufferPointer { b in
          row.withUnsafeMutableBufferPointer { r in
            PQ4FastScan.unpackRow(
              blocks: b.baseAddress!, row: index, subVectorCount: subVectorCount,
              into: r.baseAddress!)
          }
        }
        #expect(Array(codes[(index * rowBytes)..<((index + 1) * rowBytes)]) == row)
      }
    }
  }

  @Test func quantisedSumsTrackFloatSumsWithinHalfAStepPerSubVector() throws {
    var random = SeededGenerator(seed: 0xFA57_0003)
    for subVectorCount in [1, 7, 96] {
      let floats = random.floats(subVectorCount * 16, in: -3...5)
      let (table, mapping) = quantizedTable(floats, subVectorCount: subVectorCount)
      #expect(mapping.scale > 0)
      let rowCount = 200
      let codes = randomCodes(&random, rowCount: rowCount, subVectorCount: subVectorCount)
      let blocks = try PQ4FastScan.pack(codes: codes, subVectorCount: subVectorCount)
      let sums = try PQ4FastScan.scan(
        table: table, blocks: blocks, rowCount: rowCount, subVectorCount: subVectorCount)
      let rowBytes = (subVectorCount + 1) / 2
      for row in 0..<rowCount {
        var exact: Double = 0
        for subVector in 0..<subVectorCount {
          let code = (codes[row * rowBytes + subVector / 2] >> (subVector % 2 == 0 ? 0 : 4)) & 0xF
          exact += Double(floats[subVector * 16 + Int(code)])
        }
        let approximate = Double(mapping.bias) + Double(mapping.scale) * Double(sums[row])
        let bound = Double(subVectorCount) * Double(mapping.scale) * 0.5 + 1e-3
        #expect(abs(approximate - exact) <= bound, "row \(row), \(subVectorCount) sub-vectors")
      }
    }
  }

  /// The transposed-codebook table is −q·entry summed in dimension order, one rounding per
  /// step: the same bits as a Float loop in that order (sub-dimensions 1 to 5, so a wrong
  /// transposition or a skipped dimension changes the bits).
  @Test func innerProductLookupTableMatchesTheDimensionOrderSumBitForBit() {
    var random = SeededGenerator(seed: 0xFA57_0004)
    for (subVectorCount, subDimension) in [(1, 1), (3, 2), (8, 3), (128, 3), (96, 4), (5, 5)] {
      let dimension = subVectorCount * subDimension
      let codebooks = random.floats(dimension * 16, in: -2...2)
      let query = random.floats(dimension, in: -2...2)
      let transposed = PQ4FastScan.transposeCodebooks(
        codebooks, subVectorCount: subVectorCount, subDimension: subDimension)
      var table = [Float](repeating: .nan, count: subVectorCount * 16)
      query.withUnsafeBufferPointer { q in
        transposed.withUnsafeBufferPointer { t in
          table.withUnsafeMutableBufferPointer {
            PQ4FastScan.innerProductLookupTable(
              query: q.baseAddress!, transposedCodebooks: t.baseAddress!,
              subVectorCount: subVectorCount, subDimension: subDimension, into: $0.baseAddress!)
          }
        }
      }
      var wrong = 0
      for subVector in 0..<subVectorCount {
        for entry in 0..<16 {
          let first = (subVector * 16 + entry) * subDimension
          var sum = query[subVector * subDimension] * codebooks[first]
          for d in 1..<subDimension {
            let product = query[subVector * subDimension + d] * codebooks[first + d]
            sum = sum + product
          }
          if table[subVector * 16 + entry].bitPattern != (-sum).bitPattern { wrong += 1 }
        }
      }
      #expect(wrong == 0, "\(subVectorCount) × \(subDimension): \(wrong) entries differ")
    }
  }

  @Test func badSizesThrow() {
    #expect(throws: KernelError.self) {
      try PQ4FastScan.pack(codes: [1, 2, 3], subVectorCount: 4)
    }
    #expect(throws: KernelError.self) {
      try PQ4FastScan.scan(table: [UInt8](repeating: 0, count: 31), blocks: [], rowCount: 0,
        subVectorCount: 2)
    }
    #expect(throws: KernelError.self) {
      try PQ4FastScan.scan(
        table: [UInt8](repeating: 0, count: 32), blocks: [UInt8](repeating: 0, count: 32),
        rowCount: 1, subVectorCount: 2, blockMasks: [])
    }
  }
}
