import QuiverKernels
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// The RLE / bit-packed hybrid encoder and decoder agree on runs, literals and their mixes.
@Suite struct RLEBitPackedHybridTests {
  @Test(arguments: [0, 1, 7, 8, 9, 63, 64, 65, 1000])
  func roundTripsMixedRunsAndLiterals(count: Int) throws {
    for bitWidth in [1, 2, 3, 8, 13, 20] {
      var random = SeededGenerator(seed: UInt64(count * 31 + bitWidth))
      let maximum = (1 << bitWidth) - 1
      var values: [UInt32] = []
      while values.count < count {
        let value = UInt32(Int(random.next() % UInt64(maximum + 1)))
        let repeats = random.next() % 3 == 0 ? Int(random.next() % 40) + 1 : 1
        values += repeatElement(value, count: min(repeats, count - values.count))
      }
      let encoded = values.withUnsafeBufferPointer {
        RLEBitPackedHybridEncoder.encode($0, bitWidth: bitWidth)
      }
      var decoded = [UInt32](repeating: 0, count: count)
      try encoded.withUnsafeBytes { bytes in
        var decoder = try RLEBitPackedHybridDecoder(bytes, bitWidth: bitWidth, context: "test")
        try decoded.withUnsafeMutableBufferPointer {
          try decoder.decode(count: count, maximum: UInt32(maximum), into: $0)
        }
      }
      #expect(decoded == values, "bit width \(bitWidth)")
    }
  }

  @Test func longRunsBecomeRLE() {
    let values = [UInt8](repeating: 3, count: 10_000)
    let encoded = values.withUnsafeBufferPointer { RLEBitPackedHybridEncoder.encode($0, bitWidth: 2) }
    #expect(encoded.count <= 4)
  }

  @Test func valueAboveTheMaximumIsAnError() throws {
    let values: [UInt8] = [0, 1, 3, 1, 0, 1, 2, 1]
    let encoded = values.withUnsafeBufferPointer { RLEBitPackedHybridEncoder.encode($0, bitWidth: 2) }
    var output = [UInt8](repeating: 0, count: 8)
    #expect(throws: ExchangeError.self) {
      try encoded.withUnsafeBytes { bytes in
        var decoder = try RLEBitPackedHybridDecoder(bytes, bitWidth: 2, context: "levels")
        try output.withUnsafeMutableBufferPointer { try decoder.decode(count: 8, maximum: 2, into: $0) }
      }
    }
  }
}
