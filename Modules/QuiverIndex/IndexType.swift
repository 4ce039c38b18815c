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

  /// True for the types `IVFIndexBuilder` builds (IVF_FLAT, IVF_PQ, IVF_SQ).
  public var isPlainIVF: Bool { self == .ivfFlat || self == .ivfPQ || self == .ivfSQ }

  /// Bits per PQ code when none is given: 4 for IVF_PQ (fast-scan blocks; measured in
  /// Docs/Benchmarks.md, "Defaults"), 8 for IVF_HNSW_PQ (whose graph walk reads one code at a
  /// time).
  public var defaultNumBits: Int { self == .ivfPQ ? 4 : 8 }
}
