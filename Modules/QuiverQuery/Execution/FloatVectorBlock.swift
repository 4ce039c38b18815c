/// The float32 vectors of one column of one fragment, every physical row contiguous
/// (`rowCount × dimension` floats), read (and checksum-verified) once and then shared by every
/// exact scan of that fragment: scans read it in place, with no copy per query.
///
/// A class so that the cache and the scans in flight share one buffer; immutable, hence
/// `Sendable`.
package final class FloatVectorBlock: Sendable {
  /// Row-major vectors.
  package let values: [Float]
  /// Floats per vector.
  package let dimension: Int

  /// Wraps `values` (a whole number of `dimension`-float rows).
  ///
  /// - Precondition: `dimension > 0` and `values.count` is a multiple of it.
  package init(values: [Float], dimension: Int) {
    precondition(dimension > 0 && values.count % dimension == 0, "not a whole number of vectors")
    self.values = values
    self.dimension = dimension
  }

  /// The number of vectors.
  package var rowCount: Int { values.count / dimension }

  /// Bytes held.
  package var byteCount: Int { values.count * 4 }
}
