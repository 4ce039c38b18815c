extension IndexEntry: CustomStringConvertible {
  /// One line: name, type, column, metric, coverage, version and parameters, e.g.
  /// `vector_idx: IVF_HNSW_SQ on 'vector' (l2), 2 fragments, version 3, m=20`.
  public var description: String {
    let fragments = fragmentIDs.count == 1 ? "1 fragment" : "\(fragmentIDs.count) fragments"
    let settings = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    return (["\(name): \(indexType) on '\(column)' (\(metric))", fragments,
      "version \(createdInVersion)"] + settings).joined(separator: ", ")
  }
}
