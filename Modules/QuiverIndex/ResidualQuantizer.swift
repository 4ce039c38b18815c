/// The quantizer that encodes an IVF index's residuals (row − partition centroid): one model
/// for IVF_PQ / IVF_SQ (`IVFIndex`) and IVF_HNSW_PQ / IVF_HNSW_SQ (`IVFHNSWIndex`). IVF_FLAT
/// stores full vectors and has none.
package enum ResidualQuantizer: Sendable {
  /// 8-bit scalar quantization, one range per dimension.
  case scalar(ScalarQuantizer)
  /// Product quantization, 4 or 8 bits per sub-vector.
  case product(ProductQuantizer)

  /// Bytes of one encoded row.
  package var codeSize: Int {
    switch self {
    case .scalar(let quantizer): quantizer.dimension
    case .product(let quantizer): quantizer.codeSize
    }
  }

  /// The trained model as the index files store it after the centroids (Docs/Format.md): PQ
  /// codebooks, or SQ offsets then scales.
  package var modelFloats: [Float] {
    switch self {
    case .scalar(let quantizer): quantizer.offsets + quantizer.scales
    case .product(let quantizer): quantizer.codebooks
    }
  }

  /// The product quantizer, if this is one.
  package var product: ProductQuantizer? {
    if case .product(let quantizer) = self { quantizer } else { nil }
  }

  /// The scalar quantizer, if this is one.
  package var scalar: ScalarQuantizer? {
    if case .scalar(let quantizer) = self { quantizer } else { nil }
  }
}
