import QuiverIndex
import QuiverTestSupport
import Testing

/// Invariants of 8-bit scalar quantization, on hand-made ranges and on ranges trained from
/// seeded random and real (Fixtures/minilm-2k) vectors.
@Suite("SQ invariants")
struct ScalarQuantizerInvariantTests {
  @Test("codes round to the nearest level (not down) and clamp outside the range")
  func codesRoundToNearestLevel() {
    let quantizer = ScalarQuantizer(
      dimension: 6, offsets: [0, -1, 10, 0, 0, 0], scales: [1, 0.5, 2, 0.1, 1, 1])
    // Levels 2.7, 1.6, 1.45, 2.6, then −5 and 1000 (clamped).
    let values: [Float] = [2.7, -0.2, 12.9, 0.26, -5, 1000]
    var codes = [UInt8](repeating: 0, count: 6)
    values.withUnsafeBufferPointer { v in
      codes.withUnsafeMutableBufferPointer {
        quantizer.encode(vectors: v.baseAddress!, count: 1, into: $0.baseAddress!)
      }
    }
    #expect(codes == [3, 2, 1, 3, 0, 255])
  }

  @Test(
    "encode → decode moves every in-range value by at most half a step",
    arguments: ["random", "fixture"])
  func roundTripWithinHalfAStep(data: String) {
    let dimension = data == "fixture" ? 384 : 24
    let rows = 1000
    let vectors =
      data == "fixture"
      ? QuantizerReference.fixtureRows(rows)
      : QuantizerReference.randomRows(rows, dimension: dimension, seed: 23)
    let quantizer = vectors.withUnsafeBufferPointer {
      ScalarQuantizer.train(vectors: $0.baseAddress!, count: rows, dimension: dimension, seed: 3)
    }
    var codes = [UInt8](repeating: 0, count: rows * dimension)
    vectors.withUnsafeBufferPointer { v in
      codes.withUnsafeMutableBufferPointer {
        quantizer.encode(vectors: v.baseAddress!, count: rows, into: $0.baseAddress!)
      }
    }
    let report = Self.check(quantizer, vectors: vectors, codes: codes, rows: rows)
    #expect(
      report.wrong.isEmpty, "\(data): \(report.wrong.count) values, e.g. \(report.wrong.prefix(3))")
    // Trained ranges leave only the tails outside (0.1 % at each end per dimension).
    #expect(report.inRange > rows * dimension * 99 / 100, "\(data): \(report.inRange) in range")
  }

  /// Checks each value against its code: in range, the code is the nearest level (within half
  /// a step, allowing Float rounding); outside, the code is the nearest end.
  static func check(_ quantizer: ScalarQuantizer, vectors: [Float], codes: [UInt8], rows: Int)
    -> (wrong: [String], inRange: Int)
  {
    let dimension = quantizer.dimension
    var wrong: [String] = []
    var inRange = 0
    for row in 0..<rows {
      for i in 0..<dimension {
        let value = Double(vectors[row * dimension + i])
        let offset = Double(quantizer.offsets[i])
        let scale = Double(quantizer.scales[i])
        let code = Int(codes[row * dimension + i])
        let level = (value - offset) / scale
        if level >= 0 && level <= 255 {
          inRange += 1
          let decoded = offset + scale * Double(code)
          if abs(value - decoded) > scale * (0.5 + 1e-3) {
            wrong.append("row \(row) dimension \(i): \(value) → code \(code) (level \(level))")
          }
        } else if code != (level < 0 ? 0 : 255) {
          wrong.append("row \(row) dimension \(i): \(value) outside → code \(code)")
        }
      }
    }
    return (wrong, inRange)
  }
}
