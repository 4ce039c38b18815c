import QuiverIndex
import QuiverKernels
import QuiverTestSupport

/// Double-precision references for the quantizer invariant tests, written independently of the
/// kernels.
enum QuantizerReference {
  /// Σ (a − b)² over `count` floats, in Double.
  static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int)
    -> Double
  {
    var sum = 0.0
    for i in 0..<count {
      let difference = Double(a[i]) - Double(b[i])
      sum += difference * difference
    }
    return sum
  }

  /// Σ a·b over `count` floats, in Double.
  static func innerProduct(_ a: [Float], _ b: [Float]) -> Double {
    var sum = 0.0
    for i in 0..<a.count { sum += Double(a[i]) * Double(b[i]) }
    return sum
  }

  /// The vector scaled to unit length (unchanged when zero), in Float like the index.
  static func unit(_ vector: [Float]) -> [Float] {
    let norm = innerProduct(vector, vector).squareRoot()
    return norm == 0 ? vector : vector.map { Float(Double($0) / norm) }
  }

  /// Squared distances from sub-vector `subSpace` of `vector` to every entry of that
  /// sub-space's codebook.
  static func subSpaceDistances(
    _ quantizer: ProductQuantizer, vector: UnsafePointer<Float>, subSpace: Int
  ) -> [Double] {
    let subDimension = quantizer.subDimension
    return quantizer.codebooks.withUnsafeBufferPointer { books in
      (0..<quantizer.centroidCount).map { entry in
        squaredL2(
          vector + subSpace * subDimension,
          books.baseAddress! + (subSpace * quantizer.centroidCount + entry) * subDimension,
          count: subDimension)
      }
    }
  }

  /// True when `chosen` is a nearest entry of `distances`: no entry is nearer by more than the
  /// rounding of a Float sum (so exact ties may go either way).
  static func isNearest(_ chosen: Int, in distances: [Double]) -> Bool {
    let best = distances.min()!
    return distances[chosen] <= best + 1e-5 * max(best, 1e-3)
  }

  /// Reads `count` rows of the fixture (or all), row-major.
  static func fixtureRows(_ count: Int) -> [Float] {
    Array(Fixture.base.values.prefix(count * Fixture.base.dimension))
  }

  /// `count × dimension` floats uniform in −1 ... 1 from `seed`.
  static func randomRows(_ count: Int, dimension: Int, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    return generator.floats(count * dimension)
  }
}
