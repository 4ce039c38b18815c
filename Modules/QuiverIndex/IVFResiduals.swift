/// Residuals of rows to their IVF centroids (row − its partition's centroid): the step before
/// every residual encoding, shared by the builds and by `appending`, so all of them encode the
/// same floats.
enum IVFResiduals {
  /// Writes the residuals of rows `rows` of `vectors` (`dimension` floats each), row `r`
  /// assigned to centroid `assignments[r]`, into `out` from its start.
  ///
  /// - Precondition: `out` has room for `rows.count × dimension` floats; every assignment
  ///   names a row of `centroids`.
  static func write(
    _ vectors: UnsafePointer<Float>, rows: Range<Int>, assignments: UnsafePointer<Int32>,
    centroids: UnsafePointer<Float>, dimension: Int, into out: UnsafeMutablePointer<Float>
  ) {
    for (position, row) in rows.enumerated() {
      let centroid = centroids + Int(assignments[row]) * dimension
      let source = vectors + row * dimension
      let target = out + position * dimension
      for i in 0..<dimension { target[i] = source[i] - centroid[i] }
    }
  }
}
