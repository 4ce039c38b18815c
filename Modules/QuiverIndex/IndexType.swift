/// The kinds of vector index, named as LanceDB users know them.
public enum IndexType: String, Sendable, Hashable, CaseIterable, Codable {
  /// Inverted file over full-precision vectors.
  case ivfFlat = "IVF_FLAT"
  /// Inverted file over product-quantized residuals.
  case ivfPQ = "IVF_PQ"
  /// Inverted file over 8-bit scalar-quantized residuals.
  case ivfSQ = "IVF_SQ"
  /// One HNSW graph over all rows, walked over their float vectors (issue 6).
  case hnsw = "HNSW"
  /// Inverted file with an HNSW graph per partition over scalar-quantized vectors.
  case ivfHNSWSQ = "IVF_HNSW_SQ"
  /// Inverted file with an HNSW graph per partition over product-quantized vectors.
  case ivfHNSWPQ = "IVF_HNSW_PQ"
  /// Inverted file over RaBitQ codes of rotated residuals: 1–8 bits per dimension with an error
  /// bound (`IVFRQIndex`).
  case ivfRQ = "IVF_RQ"

  /// True for the types `IVFIndexBuilder` builds (IVF_FLAT, IVF_PQ, IVF_SQ).
  public var isPlainIVF: Bool { self == .ivfFlat || self == .ivfPQ || self == .ivfSQ }

  /// Bits per code when none is given: 4 for IVF_PQ (fast-scan blocks; measured in
  /// Docs/Benchmarks.md, "Defaults"), 8 for IVF_HNSW_PQ (whose graph walk reads one code at a
  /// time), `IVFRQIndex.defaultNumBits` bits per dimension for IVF_RQ.
  public var defaultNumBits: Int {
    switch self {
    case .ivfPQ: 4
    case .ivfRQ: IVFRQIndex.defaultNumBits
    default: 8
    }
  }
}
