extension Table {
  /// Starts a vector search for `vector`.
  public func search(_ vector: [Float]) -> VectorSearch { VectorSearch(table: self, vector: vector) }

  /// Starts a vector search for a vector of another floating-point type — `[Double]` (NumPy's
  /// float64), `[Float16]` — converted to `Float`; values beyond `Float`'s range become
  /// infinite and are refused by `execute()`.
  public func search<Element: BinaryFloatingPoint>(_ vector: [Element]) -> VectorSearch {
    VectorSearch(table: self, vector: vector.map { Float($0) })
  }

  /// Starts a batch search: many vectors, the same options, both cores.
  public func search(batch vectors: [[Float]]) -> BatchVectorSearch {
    BatchVectorSearch(table: self, vectors: vectors)
  }

  /// Starts a batch search of vectors of another floating-point type, converted to `Float`.
  public func search<Element: BinaryFloatingPoint>(batch vectors: [[Element]])
    -> BatchVectorSearch
  {
    BatchVectorSearch(table: self, vectors: vectors.map { $0.map { Float($0) } })
  }

  /// Starts a scan without a vector (filter, projection, offset, limit).
  public func scan() -> TableScan { TableScan(table: self) }
}
