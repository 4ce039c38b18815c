/// Nearest-entry search in a small codebook of low-dimensional vectors (PQ sub-spaces: 16 or
/// 256 entries of 2–32 dimensions), for PQ training and encoding.
///
/// The general many-to-many kernel spends a horizontal sum on every (point, entry) pair, which
/// dominates when sub-vectors have 8 dimensions. Here the codebook is transposed so that one
/// point is compared with 16 entries per SIMD step: `‖c‖² − 2 x·c` accumulated lane-wise, then
/// a running lane-wise minimum.
package struct SmallCodebookSearch: Sendable {
  /// Entries, rounded up to a multiple of 16 (padding entries never win).
  let paddedCount: Int
  /// The real number of entries.
  package let count: Int
  /// Dimensions per entry.
  package let dimension: Int
  /// `dimension × paddedCount` floats: coordinate `i` of entry `j` at `i·paddedCount + j`.
  let transposed: [Float]
  /// `‖c_j‖²` per entry, `+∞` for padding.
  let norms: [Float]

  /// Prepares `count × dimension` row-major entries.
  package init(entries: UnsafePointer<Float>, count: Int, dimension: Int) {
    precondition(count > 0 && dimension > 0, "empty codebook")
    self.count = count
    self.dimension = dimension
    paddedCount = (count + 15) / 16 * 16
    var transposed = [Float](repeating: 0, count: dimension * paddedCount)
    var norms = [Float](repeating: .infinity, count: paddedCount)
    for j in 0..<count {
      var norm: Float = 0
      for i in 0..<dimension {
        let value = entries[j * dimension + i]
        transposed[i * paddedCount + j] = value
        norm += value * value
      }
      norms[j] = norm
    }
    self.transposed = transposed
    self.norms = norms
  }

  /// For each of `rows` points (row `r` at `points + r·stride`), the nearest entry (ties to the
  /// smaller index) and its squared distance.
  package func nearest(
    points: UnsafePointer<Float>, rows: Int, stride: Int,
    indices: UnsafeMutablePointer<Int32>, distances: UnsafeMutablePointer<Float>?
  ) {
    let chunks = paddedCount / 16
    let dimension = self.dimension
    let padded = paddedCount
    #if DEBUG
      // Unoptimised builds do not specialise SIMD16, which then runs ~100× slower than this
      // scalar loop; it performs the same operations in the same order, so results are equal.
      transposed.withUnsafeBufferPointer { t in
        norms.withUnsafeBufferPointer { n in
          for row in 0..<rows {
            let x = points + row * stride
            var pointNorm: Float = 0
            for i in 0..<dimension { pointNorm += x[i] * x[i] }
            var best = Float.infinity
            var bestIndex = 0
            for j in 0..<count {
              var accumulator = n[j]
              for i in 0..<dimension { accumulator += (-2 * x[i]) * t[i * padded + j] }
              if accumulator < best {
                best = accumulator
                bestIndex = j
              }
            }
            indices[row] = Int32(bestIndex)
            distances?[row] = max(0, best + pointNorm)
          }
        }
      }
    #else
      transposed.withUnsafeBufferPointer { t in
        norms.withUnsafeBufferPointer { n in
          let tBase = UnsafeRawPointer(t.baseAddress!)
          let nBase = UnsafeRawPointer(n.baseAddress!)
          var lanes = SIMD16<Float>()
          for lane in 0..<16 { lanes[lane] = Float(lane) }
          for row in 0..<rows {
            let x = points + row * stride
            var pointNorm: Float = 0
            for i in 0..<dimension { pointNorm += x[i] * x[i] }
            var best = SIMD16<Float>(repeating: .infinity)
            var bestIndex = SIMD16<Float>(repeating: 0)
            for chunk in 0..<chunks {
              var accumulator = nBase.loadUnaligned(
                fromByteOffset: chunk * 64, as: SIMD16<Float>.self)
              for i in 0..<dimension {
                let coordinate = SIMD16<Float>(repeating: -2 * x[i])
                let entries = tBase.loadUnaligned(
                  fromByteOffset: (i * padded + chunk * 16) * 4, as: SIMD16<Float>.self)
                accumulator += coordinate * entries
              }
              let better = accumulator .< best
              best.replace(with: accumulator, where: better)
              bestIndex.replace(with: lanes + Float(chunk * 16), where: better)
            }
            var winner = 0
            for lane in 1..<16
            where best[lane] < best[winner]
              || (best[lane] == best[winner] && bestIndex[lane] < bestIndex[winner])
            {
              winner = lane
            }
            indices[row] = Int32(bestIndex[winner])
            distances?[row] = max(0, best[winner] + pointNorm)
          }
        }
      }
    #endif
  }
}
