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
    let codes = try #require(
      rows.withUnsafeBufferPointer {
        HNSWBuildCodes(
          vectors: $0.baseAddress!, count: 300, dimension: dimension, innerProduct: innerProduct)
      })
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

  @Test("no codes when one dimension's range dwarfs the others'")
  func unevenRangesAreNotCoded() throws {
    let dimension = 384
    var rows = QuantizerReference.fixtureRows(300)
    func coded(_ rows: [Float]) -> Bool {
      rows.withUnsafeBufferPointer {
        HNSWBuildCodes(
          vectors: $0.baseAddress!, count: 300, dimension: dimension, innerProduct: false) != nil
      }
    }
    #expect(coded(rows))
    // One dimension 100 times wider: one step for all would leave the others about 2 levels.
    for row in 0..<300 { rows[row * dimension + 7] *= 100 }
    #expect(!coded(rows))
  }

  @Test(
    "a graph whose beam searched codes finds what one searched with exact distances finds",
    arguments: [DistanceMetric.l2, .dot])
  func codedBeamKeepsRecall(metric: DistanceMetric) throws {
    let dimension = 384
    let base = HNSWTestData.base
    let parameters = HNSWParameters(m: 12, efConstruction: 64, seed: 3, threadCount: 1)
    let innerProduct = metric != .l2
    func recall(ef: Int, beamOverCodes: Bool) throws -> Double {
      try base.values.withUnsafeBufferPointer { buffer in
        let vectors = buffer.baseAddress!
        let space = HNSWFloatBuildSpace(
          vectors: vectors, count: base.count, dimension: dimension, innerProduct: innerProduct)
        #expect(space.makeBuildCodes() != nil)
        let graph =
          beamOverCodes
          ? try HNSWGraphBuilder.build(space: space, parameters: parameters)
          : try HNSWGraphBuilder.build(space: ExactBeamSpace(floats: space), parameters: parameters)
        let scratch = HNSWSearchScratch(nodeCount: base.count)
        return try HNSWTestData.recallAt10(metric: metric) { query in
          query.withUnsafeBufferPointer { q in
            innerProduct
              ? graph.search(
                distance: HNSWFloatInnerProductDistance(
                  query: q.baseAddress!, vectors: vectors, dimension: dimension),
                k: 10, ef: ef, filter: HNSWAllowAllNodes(), scratch: scratch)
              : graph.search(
                distance: HNSWFloatL2Distance(
                  query: q.baseAddress!, vectors: vectors, dimension: dimension),
                k: 10, ef: ef, filter: HNSWAllowAllNodes(), scratch: scratch)
          }
        }
      }
    }
    let exact = try recall(ef: 10, beamOverCodes: false)
    let coded = try recall(ef: 10, beamOverCodes: true)
    print("RECALL HNSW build beam \(metric) ef10 exact=\(exact) codes=\(coded)")
    // A narrow search shows a worse graph first. Measured (scripts/remeasure-recall): 0.836
    // exact, 0.83 codes for both metrics; a beam over wrong codes finds almost nothing.
    #expect(coded >= exact - 0.01, "\(metric): recall@10 at ef 10, codes \(coded), exact \(exact)")
  }
}

/// A float space that offers no byte codes, so the build's beam search reads exact distances:
/// the reference the coded build is compared with.
struct ExactBeamSpace: HNSWBuildSpace {
  let floats: HNSWFloatBuildSpace
  var count: Int { floats.count }

  func queryDistance(forNode node: Int) -> HNSWFloatSpaceDistance {
    floats.queryDistance(forNode: node)
  }

  func distance(between a: Int, and b: Int) -> Float { floats.distance(between: a, and: b) }
}
