import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

/// Invariants of product quantization checked code by code against a Double-precision brute
/// force, on seeded random and real (Fixtures/minilm-2k) vectors, for 8- and 4-bit codes. They do
/// not depend on how well the codebooks are trained, so they hold exactly for any refactor.
@Suite("PQ invariants")
struct ProductQuantizerInvariantTests {
  struct DataCase: Sendable, CustomStringConvertible {
    var name: String
    var dimension: Int
    var subVectorCount: Int
    var bits: Int
    var rows: Int
    var description: String { "\(name) \(dimension)-d, \(subVectorCount) sub-vectors, \(bits)-bit" }

    /// The vectors, row-major.
    var vectors: [Float] {
      name == "fixture"
        ? QuantizerReference.fixtureRows(rows)
        : QuantizerReference.randomRows(rows, dimension: dimension, seed: 17)
    }

    /// A quantizer trained briefly on the vectors (its quality does not matter here).
    func train(_ vectors: [Float]) -> ProductQuantizer {
      vectors.withUnsafeBufferPointer {
        ProductQuantizer.train(
          vectors: $0, count: rows, dimension: dimension, subVectorCount: subVectorCount,
          bits: bits, maxIterations: 3, seed: 5, threads: 2)
      }
    }

    /// The vectors and their quantizer, trained once for the three tests.
    var trained: (vectors: [Float], quantizer: ProductQuantizer) {
      ProductQuantizerInvariantTests.trained[
        ProductQuantizerInvariantTests.cases.firstIndex {
          $0.description == description
        }!]
    }
  }

  static let trained: [(vectors: [Float], quantizer: ProductQuantizer)] = cases.map {
    let vectors = $0.vectors
    return (vectors, $0.train(vectors))
  }

  /// Odd sub-vector counts leave the last 4-bit code alone in its byte.
  static let cases: [DataCase] = [
    DataCase(name: "random", dimension: 48, subVectorCount: 12, bits: 8, rows: 600),
    DataCase(name: "random", dimension: 40, subVectorCount: 5, bits: 4, rows: 600),
    DataCase(name: "fixture", dimension: 384, subVectorCount: 16, bits: 8, rows: 300),
    DataCase(name: "fixture", dimension: 384, subVectorCount: 48, bits: 4, rows: 400),
    DataCase(name: "fixture", dimension: 384, subVectorCount: 3, bits: 4, rows: 300),
  ]

  @Test(
    "every code is the nearest codebook entry of its sub-space, the last one included",
    arguments: cases)
  func codesAreNearestEntries(_ testCase: DataCase) throws {
    let (vectors, quantizer) = testCase.trained
    var codes = [UInt8](repeating: 0, count: testCase.rows * quantizer.codeSize)
    vectors.withUnsafeBufferPointer { v in
      codes.withUnsafeMutableBufferPointer { c in
        quantizer.encode(vectors: v.baseAddress!, count: testCase.rows, into: c.baseAddress!)
      }
    }
    var wrong: [String] = []
    vectors.withUnsafeBufferPointer { v in
      codes.withUnsafeBufferPointer { c in
        for row in 0..<testCase.rows {
          let vector = v.baseAddress! + row * testCase.dimension
          let code = c.baseAddress! + row * quantizer.codeSize
          for subSpace in 0..<quantizer.subVectorCount {
            let distances = QuantizerReference.subSpaceDistances(
              quantizer, vector: vector, subSpace: subSpace)
            let chosen = quantizer.code(code, subSpace: subSpace)
            if !QuantizerReference.isNearest(chosen, in: distances) {
              wrong.append("row \(row) sub-space \(subSpace): code \(chosen)")
            }
          }
        }
      }
    }
    #expect(wrong.isEmpty, "\(testCase): \(wrong.count) codes are not nearest: \(wrong.prefix(5))")
  }

  @Test(
    "encode → decode loses exactly the sum of the per-sub-space nearest distances",
    arguments: cases)
  func reconstructionErrorIsSumOfNearestDistances(_ testCase: DataCase) throws {
    let (vectors, quantizer) = testCase.trained
    var code = [UInt8](repeating: 0, count: quantizer.codeSize)
    var decoded = [Float](repeating: 0, count: testCase.dimension)
    var wrong: [String] = []
    vectors.withUnsafeBufferPointer { v in
      for row in 0..<testCase.rows {
        let vector = v.baseAddress! + row * testCase.dimension
        code.withUnsafeMutableBufferPointer {
          quantizer.encode(vectors: vector, count: 1, into: $0.baseAddress!)
        }
        code.withUnsafeBufferPointer { c in
          decoded.withUnsafeMutableBufferPointer {
            quantizer.decode(c.baseAddress!, into: $0.baseAddress!)
          }
        }
        let error = decoded.withUnsafeBufferPointer {
          QuantizerReference.squaredL2(vector, $0.baseAddress!, count: testCase.dimension)
        }
        let expected = (0..<quantizer.subVectorCount).reduce(0.0) { sum, subSpace in
          sum
            + QuantizerReference.subSpaceDistances(quantizer, vector: vector, subSpace: subSpace)
            .min()!
        }
        if abs(error - expected) > 1e-5 * max(expected, 1e-3) {
          wrong.append("row \(row): ‖x − decode(encode(x))‖² = \(error), Σ nearest = \(expected)")
        }
      }
    }
    #expect(wrong.isEmpty, "\(testCase): \(wrong.count) rows, e.g. \(wrong.prefix(3))")
  }

  @Test("lookup-table distances equal exact distances to the decoded vectors", arguments: cases)
  func lookupTableMatchesDecodedVectors(_ testCase: DataCase) throws {
    let (vectors, quantizer) = testCase.trained
    let rows = testCase.rows
    var codes = [UInt8](repeating: 0, count: rows * quantizer.codeSize)
    vectors.withUnsafeBufferPointer { v in
      codes.withUnsafeMutableBufferPointer { c in
        quantizer.encode(vectors: v.baseAddress!, count: rows, into: c.baseAddress!)
      }
    }
    let decoded: [[Float]] = codes.withUnsafeBufferPointer { c in
      (0..<rows).map { row in
        var out = [Float](repeating: 0, count: testCase.dimension)
        out.withUnsafeMutableBufferPointer {
          quantizer.decode(c.baseAddress! + row * quantizer.codeSize, into: $0.baseAddress!)
        }
        return out
      }
    }
    let queries = QuantizerReference.randomRows(4, dimension: testCase.dimension, seed: 99)
    var wrong: [String] = []
    for query in 0..<4 {
      let q = Array(queries[(query * testCase.dimension)..<((query + 1) * testCase.dimension)])
      for innerProduct in [false, true] {
        var lut = [Float](repeating: 0, count: quantizer.lookupTableCount)
        var scanned = [Float](repeating: 0, count: rows)
        q.withUnsafeBufferPointer { qBuffer in
          lut.withUnsafeMutableBufferPointer {
            quantizer.lookupTable(
              query: qBuffer.baseAddress!, innerProduct: innerProduct, into: $0.baseAddress!)
          }
        }
        lut.withUnsafeBufferPointer { l in
          codes.withUnsafeBufferPointer { c in
            scanned.withUnsafeMutableBufferPointer {
              quantizer.scan(
                lut: l.baseAddress!, codes: c.baseAddress!, count: rows, into: $0.baseAddress!)
            }
            for row in 0..<rows {
              let single = quantizer.distance(
                lut: l.baseAddress!, code: c.baseAddress! + row * quantizer.codeSize)
              let exact =
                innerProduct
                ? -QuantizerReference.innerProduct(q, decoded[row])
                : q.withUnsafeBufferPointer { qb in
                  decoded[row].withUnsafeBufferPointer {
                    QuantizerReference.squaredL2(
                      qb.baseAddress!, $0.baseAddress!, count: testCase.dimension)
                  }
                }
              let tolerance = 1e-4 * max(1, abs(exact))
              if abs(Double(scanned[row]) - exact) > tolerance
                || abs(Double(single) - exact) > tolerance
              {
                wrong.append(
                  "query \(query) inner product \(innerProduct) row \(row): scan \(scanned[row]), one code \(single), exact \(exact)"
                )
              }
            }
          }
        }
      }
    }
    #expect(wrong.isEmpty, "\(testCase): \(wrong.count) distances differ, e.g. \(wrong.prefix(3))")
  }
}
