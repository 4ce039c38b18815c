import QuiverKernels
import QuiverTestSupport
import Testing

/// `Σᵢ codeᵢ · queryᵢ` straight from the integers: the reference every path must equal.
private func referenceSums(codes: [[UInt8]], query: [UInt8]) -> [UInt32] {
  codes.map { row in
    var total: UInt32 = 0
    for (code, value) in zip(row, query) { total &+= UInt32(code) * UInt32(value) }
    return total
  }
}

/// Slices per-dimension integers of `bits` bits into planes (most significant first) with the
/// library's `slice`, row after row.
private func slicedRows(_ rows: [[UInt8]], bits: Int, words: Int) -> [UInt64] {
  var out = [UInt64](repeating: 0, count: rows.count * bits * words)
  out.withUnsafeMutableBufferPointer { buffer in
    for (index, row) in rows.enumerated() {
      row.withUnsafeBufferPointer {
        RaBitQScan.slice($0, bits: bits, words: words, into: buffer.baseAddress! + index * bits * words)
      }
    }
  }
  return out
}

extension KernelPathTests {
  static let rabitqDimensions = [1, 63, 64, 65, 384, 513, 600]
  static let rabitqRowCounts = [0, 1, 3, 33]

  @Test(arguments: KernelISA.supported)
  func rabitqScanMatchesReferenceBitForBit(isa: KernelISA) {
    withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0A17)
      for dimension in Self.rabitqDimensions {
        let words = RaBitQScan.wordCount(dimension: dimension)
        for (planes, queryBits) in [(1, 4), (1, 8), (2, 8), (3, 1), (4, 8), (7, 5), (8, 8)] {
          for rowCount in Self.rabitqRowCounts {
            let codes = (0..<rowCount).map { _ in
              random.bytes(dimension).map { $0 >> UInt8(8 - planes) }
            }
            let query = random.bytes(dimension).map { $0 >> UInt8(8 - queryBits) }
            let codePlanes = slicedRows(codes, bits: planes, words: words)
            let queryPlanes = slicedRows([query], bits: queryBits, words: words)
            // One spare entry past the rows: it must stay untouched.
            var sums = [UInt32](repeating: 0xDEAD_BEEF, count: rowCount + 1)
            codePlanes.withUnsafeBufferPointer { c in
              queryPlanes.withUnsafeBufferPointer { q in
                sums.withUnsafeMutableBufferPointer { out in
                  // An empty row list still needs a valid pointer.
                  let codesPointer = c.baseAddress ?? q.baseAddress!
                  RaBitQScan.scan(
                    codes: codesPointer, rowCount: rowCount, words: words, planes: planes,
                    query: q.baseAddress!, queryBits: queryBits,
                    into: out.baseAddress!)
                }
              }
            }
            #expect(
              sums == referenceSums(codes: codes, query: query) + [0xDEAD_BEEF],
              "\(isa) \(dimension) dims, \(planes) planes × \(queryBits) query bits, \(rowCount) rows")
          }
        }
      }
    }
  }

  @Test(arguments: KernelISA.supported)
  func rabitqScanReachesTheLargestSumWithoutWrapping(isa: KernelISA) {
    withPath(isa) {
      let dimension = 1024
      let words = RaBitQScan.wordCount(dimension: dimension)
      let codes = slicedRows([[UInt8](repeating: 255, count: dimension)], bits: 8, words: words)
      let query = slicedRows([[UInt8](repeating: 255, count: dimension)], bits: 8, words: words)
      var sum: UInt32 = 0
      codes.withUnsafeBufferPointer { c in
        query.withUnsafeBufferPointer { q in
          RaBitQScan.scan(
            codes: c.baseAddress!, rowCount: 1, words: words, planes: 8, query: q.baseAddress!,
            queryBits: 8, into: &sum)
        }
      }
      #expect(sum == UInt32(dimension * 255 * 255))
      #expect(RaBitQScan.maximumSum(words: words, planes: 8, queryBits: 8) == sum)
    }
  }
}

@Suite struct RaBitQSliceTests {
  @Test func maximumSumRefusesShapesThatWouldWrap() {
    // 64 · 1,032 · 255² < 2³² ≤ 64 · 1,033 · 255².
    #expect(RaBitQScan.maximumSum(words: 1032, planes: 8, queryBits: 8) != nil)
    #expect(RaBitQScan.maximumSum(words: 1033, planes: 8, queryBits: 8) == nil)
  }

  @Test func sliceSetsOneBitPerPlaneAndDimension() {
    let values: [UInt8] = [0b101, 0b010, 0, 0b111]
    var planes = [UInt64](repeating: 0xFF, count: 3)
    values.withUnsafeBufferPointer { v in
      planes.withUnsafeMutableBufferPointer {
        RaBitQScan.slice(v, bits: 3, words: 1, into: $0.baseAddress!)
      }
    }
    // Plane 0 is the most significant bit: dimensions 0 and 3.
    #expect(planes == [0b1001, 0b1010, 0b1001])
  }
}
