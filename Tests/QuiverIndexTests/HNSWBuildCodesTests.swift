import CQuiverHNSW
import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

/// The byte codes the HNSW build's beam search reads: the integer kernels on every path against
/// a plain Swift sum, and coded distances against exact ones.
@Suite("HNSW build codes")
struct HNSWBuildCodesTests {
  /// Kernel paths this CPU runs (0 scalar, 1 AVX2, 2 AVX-512BW, 3 NEON).
  static var paths: [Int32] { (0...3).filter { qh_code_force_kernel_path($0) == 0 } }

  static func referenceSquaredDifference(_ a: [UInt8], _ b: [UInt8]) -> UInt32 {
    zip(a, b).reduce(0) { sum, pair in
      let difference = Int32(pair.0) - Int32(pair.1)
      return sum + UInt32(difference * difference)
    }
  }

  static func referenceProduct(_ a: [UInt8], _ b: [UInt8]) -> UInt32 {
    zip(a, b).reduce(0) { $0 + UInt32($1.0) * UInt32($1.1) }
  }

  @Test(
    "every kernel path sums exactly what the reference sums",
    arguments: [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 384, 1000])
  func kernelsMatchTheReference(dimension: Int) throws {
    let original = qh_code_kernel_path()
    defer { _ = qh_code_force_kernel_path(original) }
    var generator = SeededGenerator(seed: UInt64(dimension) + 11)
    let a = generator.bytes(dimension)
    let b = generator.bytes(dimension)
    let squared = Self.referenceSquaredDifference(a, b)
    let product = Self.referenceProduct(a, b)
    for path in Self.paths {
      #expect(qh_code_force_kernel_path(path) == 0)
      #expect(qh_code_l2sq(a, b, dimension) == squared, "path \(path), dimension \(dimension)")
      #expect(qh_code_dot(a, b, dimension) == product, "path \(path), dimension \(dimension)")
    }
  }

  @Test("the largest dimension's extreme codes do not overflow on any path")
  func extremesAtTheLargestDimension() throws {
    let original = qh_code_kernel_path()
    defer { _ = qh_code_force_kernel_path(original) }
    let dimension = Int(QH_CODE_MAXIMUM_DIMENSION)
    let zeros = [UInt8](repeating: 0, count: dimension)
    let full = [UInt8](repeating: 255, count: dimension)
    for path in Self.paths {
      #expect(qh_code_force_kernel_path(path) == 0)
      #expect(qh_code_l2sq(zeros, full, dimension) == UInt32(dimension) * 65_025)
      #expect(qh_code_dot(full, full, dimension) == UInt32(dimension) * 65_025)
    }
  }

  @Test("coded distances follow exact ones", arguments: [false, true])
  func codedDistancesFollowExactOnes(innerProduct: Bool) throws {
    let dimension = 384
    var rows = QuantizerReference.fixtureRows(300)
    if innerProduct {
      // Off-centre rows, so that the offsets' terms of the inner product matter.
      for index in rows.indices { rows[index] += 0.25 }
    }
    let codes = rows.withUnsafeBufferPointer {
      HNSWBuildCodes(
        vectors: $0.baseAddress!, count: 300, dimension: dimension, innerProduct: innerProduct)
    }
    var worst: Double = 0
    for queryRow in stride(from: 0, to: 300, by: 37) {
      let distance = codes.queryDistance(forNode: queryRow)
      for row in 0..<300 {
        let left = Array(rows[(queryRow * dimension)..<((queryRow + 1) * dimension)])
        let right = Array(rows[(row * dimension)..<((row + 1) * dimension)])
        let exact: Double
        let coded: Double
        if innerProduct {
          exact = 1 - zip(left, right).reduce(0) { $0 + Double($1.0) * Double($1.1) }
          coded = Double(distance.distance(to: row))
        } else {
          exact = zip(left, right).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
          coded = Double(distance.distance(to: row)) * Double(codes.step) * Double(codes.step)
        }
        worst = max(worst, abs(coded - exact) / max(abs(exact), 1e-3))
      }
    }
    // One step is 1/255 of the widest dimension's range: a few tenths of a percent.
    #expect(worst < 0.02, "worst relative error \(worst)")
  }
}
