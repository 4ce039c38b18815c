import CQuiverKernels

extension PQ4FastScan {
  /// Rearranges 16-entry codebooks (`subVectorCount × 16 × subDimension` floats, entry-major)
  /// for `innerProductLookupTable`: element `(m·subDimension + d)·16 + c` is dimension `d` of
  /// entry `c` of sub-space `m`.
  ///
  /// - Precondition: `subVectorCount > 0`, `subDimension > 0`; `codebooks` holds
  ///   `subVectorCount × 16 × subDimension` floats.
  public static func transposeCodebooks(
    _ codebooks: [Float], subVectorCount: Int, subDimension: Int
  ) -> [Float] {
    precondition(
      subVectorCount > 0 && subDimension > 0
        && codebooks.count == subVectorCount * 16 * subDimension,
      "codebooks must hold subVectorCount × 16 × subDimension floats")
    return [Float](unsafeUninitializedCapacity: codebooks.count) { out, initialized in
      codebooks.withUnsafeBufferPointer { books in
        qk_pq4_transpose_codebooks(
          books.baseAddress!, subVectorCount, subDimension, out.baseAddress!)
      }
      initialized = codebooks.count
    }
  }

  /// Fills `lookupTable` (`subVectorCount × 16` floats) with `−q·entry` for every entry of every
  /// sub-space, from codebooks rearranged by `transposeCodebooks`; the same bits on every
  /// platform (sums in dimension order, no fused multiply-add).
  ///
  /// - Precondition: `subVectorCount > 0`, `subDimension > 0`; `query` holds
  ///   `subVectorCount × subDimension` floats, `transposedCodebooks` 16 times as many.
  /// - Complexity: O(subVectorCount × subDimension × 16), sixteen entries per vector operation.
  public static func innerProductLookupTable(
    query: UnsafePointer<Float>, transposedCodebooks: UnsafePointer<Float>, subVectorCount: Int,
    subDimension: Int, into lookupTable: UnsafeMutablePointer<Float>
  ) {
    precondition(
      subVectorCount > 0 && subDimension > 0, "subVectorCount and subDimension must be positive")
    qk_pq4_inner_product_lut(
      query, transposedCodebooks, subVectorCount, subDimension, lookupTable)
  }
}
