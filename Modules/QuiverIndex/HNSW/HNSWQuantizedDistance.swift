import CQuiverHNSW
import CQuiverKernels

/// Squared L2 from a query to 8-bit scalar-quantized codes (one byte a dimension), scaled by
/// `multiplier` (½ turns squared L2 between unit vectors into the cosine distance).
package struct HNSWScalarQuantizedL2Distance: HNSWQueryDistance {
  let queryMinusOffset: UnsafePointer<Float>
  let scales: UnsafePointer<Float>
  let codes: UnsafePointer<UInt8>
  let dimension: Int
  let multiplier: Float

  @inline(__always)
  package func distance(to node: Int) -> Float {
    var result: Float = 0
    qk_sq8_l2sq_batch(queryMinusOffset, scales, codes + node &* dimension, 1, dimension, &result)
    return result * multiplier
  }

  @inline(__always)
  package func prefetch(_ node: Int) { prefetchLines(codes + node &* dimension, bytes: 192) }
}

/// `base − Σ weightᵢ·codeᵢ`: 1 − q·x over 8-bit scalar-quantized codes, where the weights are
/// q·scale and `base` folds in 1, q·offset and the partition centroid's q·c.
package struct HNSWScalarQuantizedInnerProductDistance: HNSWQueryDistance {
  let weights: UnsafePointer<Float>
  let codes: UnsafePointer<UInt8>
  let dimension: Int
  let base: Float

  @inline(__always)
  package func distance(to node: Int) -> Float {
    var sum: Float = 0
    qk_sq8_weighted_sum_batch(weights, codes + node &* dimension, 1, dimension, &sum)
    return base - sum
  }

  @inline(__always)
  package func prefetch(_ node: Int) { prefetchLines(codes + node &* dimension, bytes: 192) }
}

/// `base + multiplier · Σₘ lut[m][codeₘ]` over 8-bit product-quantized codes: squared L2
/// (base 0, multiplier 1), cosine on unit vectors (multiplier ½) or 1 − q·x (a negative
/// inner-product table, base 1 − q·c).
package struct HNSWProductQuantized8Distance: HNSWQueryDistance {
  let lookupTable: UnsafePointer<Float>
  let codes: UnsafePointer<UInt8>
  let subVectorCount: Int
  let base: Float
  let multiplier: Float

  @inline(__always)
  package func distance(to node: Int) -> Float {
    let code = codes + node &* subVectorCount
    var sum0: Float = 0
    var sum1: Float = 0
    var subSpace = 0
    while subSpace &+ 1 < subVectorCount {
      sum0 += lookupTable[subSpace &* 256 &+ Int(code[subSpace])]
      sum1 += lookupTable[(subSpace &+ 1) &* 256 &+ Int(code[subSpace &+ 1])]
      subSpace &+= 2
    }
    if subSpace < subVectorCount { sum0 += lookupTable[subSpace &* 256 &+ Int(code[subSpace])] }
    return base + multiplier * (sum0 + sum1)
  }

  @inline(__always)
  package func prefetch(_ node: Int) { qh_prefetch(codes + node &* subVectorCount) }
}

/// As `HNSWProductQuantized8Distance` for 4-bit codes, two a byte (low nibble first).
package struct HNSWProductQuantized4Distance: HNSWQueryDistance {
  let lookupTable: UnsafePointer<Float>
  let codes: UnsafePointer<UInt8>
  let subVectorCount: Int
  let base: Float
  let multiplier: Float

  @inline(__always)
  package func distance(to node: Int) -> Float {
    let codeSize = (subVectorCount &+ 1) >> 1
    let code = codes + node &* codeSize
    var sum: Float = 0
    for subSpace in 0..<subVectorCount {
      let byte = code[subSpace >> 1]
      let nibble = subSpace & 1 == 0 ? byte & 0xF : byte >> 4
      sum += lookupTable[subSpace &* 16 &+ Int(nibble)]
    }
    return base + multiplier * sum
  }

  @inline(__always)
  package func prefetch(_ node: Int) {
    qh_prefetch(codes + node &* ((subVectorCount &+ 1) >> 1))
  }
}
