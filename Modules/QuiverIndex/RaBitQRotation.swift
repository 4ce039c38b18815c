import CQuiverKernels
import Foundation
import QuiverKernels

/// A random orthogonal rotation of `dimension`-dimensional space, the first step of RaBitQ: it
/// spreads every vector's energy evenly over the dimensions, so one sign bit per dimension
/// carries as much of its direction as any other.
///
/// The matrix is drawn from a seed (Gaussian entries from `SeededRandom`, orthonormalised by
/// modified Gram-Schmidt in double precision, one thread), so equal seeds give equal bytes on
/// any thread count. Its rows are stored (`dimension²` floats) rather than regenerated on open,
/// so an index never depends on how another build of the code rounds.
package struct RaBitQRotation: Sendable, Hashable {
  /// Floats per vector.
  package let dimension: Int
  /// `dimension × dimension`, row-major: rotated[i] = Σⱼ matrix[i·dimension + j] · x[j].
  package let matrix: [Float]

  /// Rows rotated per block of `rotateRows`: fixed, so results do not depend on threads.
  static let rowsPerBlock = 64

  /// Wraps a stored matrix (checked orthogonal by the caller that read it).
  package init(dimension: Int, matrix: [Float]) {
    precondition(matrix.count == dimension * dimension, "rotation matrix size")
    self.dimension = dimension
    self.matrix = matrix
  }

  /// Draws the rotation for `seed`: Gaussian rows orthonormalised one after another by
  /// classical Gram-Schmidt applied twice ("twice is enough" for float rounding), with the
  /// kernels' dot products (one thread, so the bytes depend only on the seed and the kernels'
  /// instruction set).
  ///
  /// - Complexity: O(dimension³) time in the kernels (a 384-dimensional rotation: ~110 M
  ///   multiply-adds), O(dimension²) memory.
  package init(dimension: Int, seed: UInt64) {
    precondition(dimension > 0, "dimension must be positive")
    var random = SeededRandom(seed: seed)
    var rows = [Float](repeating: 0, count: dimension * dimension)
    // Column-major copy of the finished rows: element k of the projection of a new row onto
    // rows 0..<i is the dot of the i coefficients with transposed[k·dimension ..< +i].
    var transposed = [Float](repeating: 0, count: dimension * dimension)
    var row = [Float](repeating: 0, count: dimension)
    var coefficients = [Float](repeating: 0, count: dimension)
    rows.withUnsafeMutableBufferPointer { rowsBuffer in
      transposed.withUnsafeMutableBufferPointer { transposedBuffer in
        row.withUnsafeMutableBufferPointer { rowBuffer in
          coefficients.withUnsafeMutableBufferPointer { coefficientBuffer in
            let finished = rowsBuffer.baseAddress!
            let columns = transposedBuffer.baseAddress!
            let vector = rowBuffer.baseAddress!
            let dots = coefficientBuffer.baseAddress!
            for index in 0..<dimension {
              for i in stride(from: 0, to: dimension, by: 2) {
                // Box-Muller: two independent standard normal values from two uniform ones.
                let radius = (-2 * log(1 - random.nextUnit())).squareRoot()
                let angle = 2 * Double.pi * random.nextUnit()
                vector[i] = Float(radius * cos(angle))
                if i + 1 < dimension { vector[i + 1] = Float(radius * sin(angle)) }
              }
              for _ in 0..<(index > 0 ? 2 : 0) {
                qk_dot_f32_batch(vector, finished, index, dimension, dots)
                for k in 0..<dimension {
                  vector[k] -= qk_dot_f32(dots, columns + k * dimension, index)
                }
              }
              let scale = 1 / qk_norm_sq_f32(vector, dimension).squareRoot()
              for k in 0..<dimension {
                vector[k] *= scale
                finished[index * dimension + k] = vector[k]
                columns[k * dimension + index] = vector[k]
              }
            }
          }
        }
      }
    }
    self.init(dimension: dimension, matrix: rows)
  }

  /// Writes the rotation of one vector into `out` (`dimension` floats each).
  package func rotate(_ vector: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    matrix.withUnsafeBufferPointer { m in
      qk_dot_f32_batch(vector, m.baseAddress!, dimension, dimension, out)
    }
  }

  /// Rotates `count` packed rows into `out`, in fixed blocks of `rowsPerBlock` rows.
  package func rotateRows(
    _ rows: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    matrix.withUnsafeBufferPointer { m in
      var start = 0
      while start < count {
        let rowsInBlock = min(Self.rowsPerBlock, count - start)
        qk_dot_f32_block(
          rows + start * dimension, rowsInBlock, m.baseAddress!, dimension, dimension,
          out + start * dimension)
        start += rowsInBlock
      }
    }
  }

  /// Whether every row has unit length (within 10⁻³): the cheap check of a stored matrix (a
  /// full orthogonality check costs O(dimension³)).
  package var hasUnitRows: Bool {
    (0..<dimension).allSatisfy { row in
      var norm = 0.0
      for i in 0..<dimension {
        let value = Double(matrix[row * dimension + i])
        norm += value * value
      }
      return abs(norm - 1) < 1e-3
    }
  }
}
