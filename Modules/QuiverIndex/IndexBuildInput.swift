import QuiverKernels

/// The rows an index is built from, read two ways: chosen rows by position (the training
/// samples), and every row in position order, batch by batch (the streaming pass). Position `i`
/// is the `i`-th row to index; `rowIDs[i]` is its row id.
///
/// A table column (module Quiver) and vectors in memory (`InMemoryBuildInput`) both conform,
/// so the in-memory builders run the same pipeline as a table's streaming build.
package protocol IndexBuildInput {
  /// Floats per vector.
  var dimension: Int { get }
  /// The row id of each position; its count is the number of rows.
  var rowIDs: [UInt64] { get }
  /// Copies the vectors at `positions` (ascending, no repeats) into `destination`, one after
  /// the other.
  /// - Throws: `IndexError` (a table's read failure as `.ioFailure` with the table's error as
  ///   `underlying`).
  func gather(positions: [Int], into destination: UnsafeMutablePointer<Float>) throws(IndexError)
  /// Calls `body(start, vectors)` with consecutive rows in position order, each call at most
  /// `maxRows` rows (`vectors.count / dimension` rows from position `start`).
  /// - Throws: what reading throws (as `gather`) or what `body` throws.
  func forEachBatch(
    maxRows: Int, _ body: (Int, UnsafeBufferPointer<Float>) throws(IndexError) -> Void
  ) throws(IndexError)
}

extension IndexBuildInput {
  /// The number of rows.
  var rowCount: Int { rowIDs.count }

  /// The rows at `positions` (ascending), checked for non-finite values and normalised when
  /// `normalizing` (cosine).
  func readRows(positions: [Int], normalizing: Bool) throws(IndexError) -> [Float] {
    var rows = [Float](repeating: 0, count: positions.count * dimension)
    try rows.withUnsafeMutableBufferPointer { (buffer) throws(IndexError) in
      guard let base = buffer.baseAddress else { return }
      try gather(positions: positions, into: base)
      try requireFinite(base, count: positions.count, positions: positions)
      if normalizing {
        VectorNormalization.normalizeRows(base, count: positions.count, dimension: dimension)
      }
    }
    return rows
  }

  /// The residuals `x − c` of the rows at `positions` (read as `readRows` does) to their
  /// nearest of `centroids` by `metric`, every row compared with every centroid.
  func residuals(
    positions: [Int], normalizing: Bool, centroids: [Float], metric: DistanceMetric,
    threads: Int
  ) throws(IndexError) -> [Float] {
    try residuals(
      positions: positions, normalizing: normalizing,
      assigner: PartitionAssigner(exhaustive: centroids, dimension: dimension, metric: metric),
      threads: threads)
  }

  /// The residuals `x − c` of the rows at `positions` (read as `readRows` does) to the
  /// centroid `assigner` gives them, computed exactly as the streaming pass assigns them.
  func residuals(
    positions: [Int], normalizing: Bool, assigner: PartitionAssigner, threads: Int
  ) throws(IndexError) -> [Float] {
    var rows = try readRows(positions: positions, normalizing: normalizing)
    var assignments = [Int32](repeating: 0, count: positions.count)
    var distances = [Float](repeating: 0, count: positions.count)
    rows.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      assigner.assign(
        vectors: base, rows: positions.count, threads: threads, assignments: &assignments,
        distances: &distances)
      assigner.centroids.withUnsafeBufferPointer { c in
        for row in 0..<positions.count {
          let centroid = c.baseAddress! + Int(assignments[row]) * dimension
          for i in 0..<dimension { base[row * dimension + i] -= centroid[i] }
        }
      }
    }
    return rows
  }

  /// Throws `.nonFiniteValue` when a vector of `count` rows from position `start` holds NaN or
  /// an infinity, naming its row id and position (`positions` maps gathered rows to positions).
  func requireFinite(
    _ vectors: UnsafePointer<Float>, count: Int, start: Int = 0, positions: [Int]? = nil
  ) throws(IndexError) {
    for index in 0..<(count * dimension) where !vectors[index].isFinite {
      let row = index / dimension
      let position = positions?[row] ?? start + row
      throw IndexError(
        .nonFiniteValue,
        "vector of row id \(rowIDs[position]) (position \(position)) has \(vectors[index]) at dimension \(index % dimension)"
      )
    }
  }
}

/// Vectors already in memory: `rowIDs.count × dimension` floats, row-major.
package struct InMemoryBuildInput: IndexBuildInput {
  package let vectors: UnsafeBufferPointer<Float>
  package let dimension: Int
  package let rowIDs: [UInt64]

  /// Vectors borrowed for the duration of a build (the caller keeps them alive).
  package init(vectors: UnsafeBufferPointer<Float>, dimension: Int, rowIDs: [UInt64]) {
    precondition(vectors.count == rowIDs.count * dimension, "vectors do not match the row ids")
    self.vectors = vectors
    self.dimension = dimension
    self.rowIDs = rowIDs
  }

  package func gather(positions: [Int], into destination: UnsafeMutablePointer<Float>) {
    guard let base = vectors.baseAddress else { return }
    for (index, position) in positions.enumerated() {
      (destination + index * dimension).update(from: base + position * dimension, count: dimension)
    }
  }

  package func forEachBatch(
    maxRows: Int, _ body: (Int, UnsafeBufferPointer<Float>) throws(IndexError) -> Void
  ) throws(IndexError) {
    let step = max(1, maxRows)
    var start = 0
    while start < rowCount {
      let rows = min(step, rowCount - start)
      try body(
        start,
        UnsafeBufferPointer(rebasing: vectors[(start * dimension)..<((start + rows) * dimension)]))
      start += rows
    }
  }
}
