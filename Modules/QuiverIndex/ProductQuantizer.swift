import QuiverKernels

/// A product quantizer: vectors cut into `subVectorCount` sub-vectors, each replaced by the
/// index of its nearest entry in that sub-space's codebook of `2^bits` centroids (trained by
/// k-means). 8-bit codes take one byte per sub-vector; 4-bit codes two a byte, low nibble first.
///
/// Distances are asymmetric: a query is compared exactly to every codebook entry once
/// (`lookupTable`), then each code costs `subVectorCount` table look-ups (`scan`).
package struct ProductQuantizer: Sendable, Hashable {
  /// The full vector dimension.
  package let dimension: Int
  /// Sub-vectors per vector.
  package let subVectorCount: Int
  /// Bits per code: 4 or 8.
  package let bits: Int
  /// `subVectorCount × centroidCount × subDimension` floats.
  package let codebooks: [Float]
  /// 4-bit codebooks rearranged for the vectorised inner-product lookup table
  /// (`PQ4FastScan.transposeCodebooks`); empty for 8-bit codes.
  private let transposedCodebooks: [Float]

  /// Dimensions per sub-vector.
  package var subDimension: Int { dimension / subVectorCount }
  /// Codebook entries per sub-space (16 or 256).
  package var centroidCount: Int { 1 << bits }
  /// Bytes per encoded vector.
  package var codeSize: Int { Self.codeSize(subVectorCount: subVectorCount, bits: bits) }
  /// Bytes per encoded vector of `subVectorCount` codes of `bits` (4 or 8) bits.
  package static func codeSize(subVectorCount: Int, bits: Int) -> Int {
    bits == 8 ? subVectorCount : (subVectorCount + 1) / 2
  }
  /// The sub-vector count when codes are kept in fast-scan blocks (4-bit), else 0.
  package var fastScanSubVectorCount: Int { bits == 4 ? subVectorCount : 0 }
  /// Floats in a lookup table.
  package var lookupTableCount: Int { subVectorCount * centroidCount }

  /// Wraps trained codebooks.
  ///
  /// - Precondition: sizes agree; `bits` is 4 or 8.
  package init(dimension: Int, subVectorCount: Int, bits: Int, codebooks: [Float]) {
    precondition(bits == 4 || bits == 8, "PQ codes have 4 or 8 bits")
    precondition(subVectorCount > 0 && dimension % subVectorCount == 0, "bad sub-vector count")
    precondition(codebooks.count == dimension * (1 << bits), "codebooks have the wrong size")
    self.dimension = dimension
    self.subVectorCount = subVectorCount
    self.bits = bits
    self.codebooks = codebooks
    self.transposedCodebooks =
      bits == 4
      ? PQ4FastScan.transposeCodebooks(
        codebooks, subVectorCount: subVectorCount, subDimension: dimension / subVectorCount)
      : []
  }

  /// Trains one codebook per sub-space by k-means (squared L2) on `count` vectors.
  ///
  /// - Precondition: `count >= 2^bits`; `dimension % subVectorCount == 0`.
  /// - Complexity: O(maxIterations × count × 2^bits × dimension), sub-spaces spread over
  ///   `threads`.
  package static func train(
    vectors: UnsafeBufferPointer<Float>, count: Int, dimension: Int, subVectorCount: Int,
    bits: Int, maxIterations: Int, seed: UInt64, threads: Int,
    tolerance: Double = KMeans.tolerance
  ) -> ProductQuantizer {
    let centroidCount = 1 << bits
    precondition(count >= centroidCount, "too few rows for PQ training")
    let subDimension = dimension / subVectorCount
    var codebooks = [Float](repeating: 0, count: subVectorCount * centroidCount * subDimension)
    let source = vectors.baseAddress!
    let workers = max(1, min(threads, subVectorCount))
    codebooks.withUnsafeMutableBufferPointer { out in
      let outBase = out.baseAddress!
      Parallel.forEachWorker(workers) { worker in
        var subVectors = [Float](repeating: 0, count: count * subDimension)
        var subSpace = worker
        while subSpace < subVectorCount {
          for row in 0..<count {
            for i in 0..<subDimension {
              subVectors[row * subDimension + i] =
                source[row * dimension + subSpace * subDimension + i]
            }
          }
          let result = subVectors.withUnsafeBufferPointer { buffer in
            KMeans.train(
              vectors: buffer, count: count, dimension: subDimension, k: centroidCount,
              maxIterations: maxIterations, metric: .l2,
              seed: seed &+ UInt64(subSpace) &* 0x9E37_79B9, threads: 1, tolerance: tolerance)
          }
          let target = outBase + subSpace * centroidCount * subDimension
          for i in 0..<(centroidCount * subDimension) { target[i] = result.centroids[i] }
          subSpace += workers
        }
      }
    }
    return ProductQuantizer(
      dimension: dimension, subVectorCount: subVectorCount, bits: bits, codebooks: codebooks)
  }

  /// Encodes `count` vectors into `count × codeSize` bytes (single-threaded; callers split
  /// the rows).
  package func encode(
    vectors: UnsafePointer<Float>, count: Int, into codes: UnsafeMutablePointer<UInt8>
  ) {
    let subDimension = self.subDimension
    let centroidCount = self.centroidCount
    codes.initialize(repeating: 0, count: count * codeSize)
    guard count > 0 else { return }
    let nearest = UnsafeMutablePointer<Int32>.allocate(capacity: count)
    defer { nearest.deallocate() }
    codebooks.withUnsafeBufferPointer { books in
      for subSpace in 0..<subVectorCount {
        let search = SmallCodebookSearch(
          entries: books.baseAddress! + subSpace * centroidCount * subDimension,
          count: centroidCount, dimension: subDimension)
        search.nearest(
          points: vectors + subSpace * subDimension, rows: count, stride: dimension,
          indices: nearest, distances: nil)
        for row in 0..<count {
          let code = codes + row * codeSize
          let best = UInt8(nearest[row])
          if bits == 8 {
            code[subSpace] = best
          } else {
            code[subSpace / 2] |= best << (subSpace % 2 == 0 ? 0 : 4)
          }
        }
      }
    }
  }

  /// The codebook entry of sub-space `subSpace` selected by `code`.
  package func code(_ code: UnsafePointer<UInt8>, subSpace: Int) -> Int {
    bits == 8 ? Int(code[subSpace]) : Int((code[subSpace / 2] >> (subSpace % 2 == 0 ? 0 : 4)) & 0xF)
  }

  /// Writes the vector `code` stands for (`dimension` floats) into `out`.
  package func decode(_ code: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<Float>) {
    let subDimension = self.subDimension
    for subSpace in 0..<subVectorCount {
      let entry = self.code(code, subSpace: subSpace)
      let base = (subSpace * centroidCount + entry) * subDimension
      for i in 0..<subDimension { out[subSpace * subDimension + i] = codebooks[base + i] }
    }
  }

  /// Fills `lut` (`lookupTableCount` floats) for one query: squared L2 from each query
  /// sub-vector to each codebook entry, or with `innerProduct` the negative inner product
  /// (4-bit codes: sixteen entries per vector operation, from the transposed codebooks).
  package func lookupTable(
    query: UnsafePointer<Float>, innerProduct: Bool, into lut: UnsafeMutablePointer<Float>
  ) {
    if innerProduct && bits == 4 {
      transposedCodebooks.withUnsafeBufferPointer { books in
        PQ4FastScan.innerProductLookupTable(
          query: query, transposedCodebooks: books.baseAddress!, subVectorCount: subVectorCount,
          subDimension: subDimension, into: lut)
      }
      return
    }
    codebooks.withUnsafeBufferPointer { books in
      QuantizedKernels.pqLookupTable(
        query: query, codebooks: books.baseAddress!, subVectorCount: subVectorCount,
        centroidCount: centroidCount, subDimension: subDimension, innerProduct: innerProduct,
        into: lut)
    }
  }

  /// `out[j] = Σₘ lut[m][code_jₘ]` for `count` codes.
  package func scan(
    lut: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    guard count > 0 else { return }
    if bits == 8 {
      QuantizedKernels.pq8Scan(
        lut: lut, codes: codes, count: count, subVectorCount: subVectorCount, into: out)
    } else {
      QuantizedKernels.pq4Scan(
        lut: lut, codes: codes, count: count, subVectorCount: subVectorCount, into: out)
    }
  }

  /// `Σₘ lut[m][codeₘ]` for one code (for graph walks that visit codes one at a time).
  package func distance(lut: UnsafePointer<Float>, code: UnsafePointer<UInt8>) -> Float {
    var sum: Float = 0
    for subSpace in 0..<subVectorCount {
      sum += lut[subSpace * centroidCount + self.code(code, subSpace: subSpace)]
    }
    return sum
  }
}
