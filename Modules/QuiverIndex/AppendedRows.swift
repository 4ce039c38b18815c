import QuiverKernels

/// Rows to add to a trained index without retraining (`VectorIndex.appending`): checked
/// against the index's dimension, and normalised when the index works on unit vectors
/// (cosine).
struct AppendedRows {
  /// `count × dimension` floats, row-major (unit vectors for cosine).
  let vectors: [Float]
  /// The row id of each vector.
  let rowIds: [UInt64]
  /// Floats per vector.
  let dimension: Int

  /// Checks and prepares `vectors` (`rowIds.count × dimension` floats) for `index` (its
  /// dimension and metric).
  /// - Throws: `IndexError.dimensionMismatch` when the floats do not make `rowIds.count`
  ///   vectors of `dimension`, `.nonFiniteValue` naming the row id of a NaN or infinity.
  init(vectors: [Float], rowIds: [UInt64], for index: some VectorIndex) throws(IndexError) {
    let dimension = index.dimension
    guard vectors.count == rowIds.count * dimension else {
      throw IndexError(
        .dimensionMismatch,
        "\(vectors.count) floats do not make \(rowIds.count) vectors of the index's dimension \(dimension)"
      )
    }
    if let bad = vectors.firstIndex(where: { !$0.isFinite }) {
      throw IndexError(
        .nonFiniteValue,
        "vector of row id \(rowIds[bad / dimension]) has \(vectors[bad]) at dimension \(bad % dimension)"
      )
    }
    var prepared = vectors
    if index.metric == .cosine && !rowIds.isEmpty {
      prepared.withUnsafeMutableBufferPointer {
        VectorNormalization.normalizeRows($0.baseAddress!, count: rowIds.count, dimension: dimension)
      }
    }
    self.vectors = prepared
    self.rowIds = rowIds
    self.dimension = dimension
  }

  /// The number of rows.
  var count: Int { rowIds.count }

  /// The partition of every row: its nearest of `partitionCount` centroids under `metric`
  /// (k-means' assignment, on all cores), reported to `tracker` as the assigning phase.
  func assign(
    to centroids: [Float], partitionCount: Int, metric: DistanceMetric,
    reporting tracker: IndexBuildProgressTracker
  ) -> [Int32] {
    tracker.report(.assigning, 0, of: count)
    defer { tracker.report(.assigning, count, of: count) }
    var assignments = [Int32](repeating: 0, count: count)
    guard count > 0 else { return assignments }
    var distances = [Float](repeating: 0, count: count)
    vectors.withUnsafeBufferPointer { rows in
      centroids.withUnsafeBufferPointer { centroidBuffer in
        assignments.withUnsafeMutableBufferPointer { assigned in
          distances.withUnsafeMutableBufferPointer { distanceBuffer in
            KMeans.assign(
              vectors: rows.baseAddress!, count: count, dimension: dimension,
              centroids: centroidBuffer.baseAddress!, k: partitionCount, metric: metric,
              threads: Parallel.defaultThreads, assignments: assigned.baseAddress!,
              distances: distanceBuffer.baseAddress!)
          }
        }
      }
    }
    return assignments
  }

  /// The residual (row − its centroid) of every row, row-major.
  func residuals(centroids: [Float], assignments: [Int32]) -> [Float] {
    var out = [Float](repeating: 0, count: vectors.count)
    guard count > 0 else { return out }
    vectors.withUnsafeBufferPointer { rows in
      assignments.withUnsafeBufferPointer { assigned in
        centroids.withUnsafeBufferPointer { c in
          out.withUnsafeMutableBufferPointer { target in
            IVFResiduals.write(
              rows.baseAddress!, rows: 0..<count, assignments: assigned.baseAddress!,
              centroids: c.baseAddress!, dimension: dimension, into: target.baseAddress!)
          }
        }
      }
    }
    return out
  }

  /// The rows of each of `partitionCount` partitions, ascending.
  static func members(of assignments: [Int32], partitionCount: Int) -> [[Int]] {
    var members = [[Int]](repeating: [], count: partitionCount)
    for (row, partition) in assignments.enumerated() { members[Int(partition)].append(row) }
    return members
  }

  /// `residuals` (`count × dimension` floats) encoded by `quantizer`: `count × codeSize` bytes,
  /// row-major, in blocks of 256 rows on all cores (each block's codes depend only on its rows,
  /// so the bytes do not depend on the thread count).
  func encode(residuals: [Float], with quantizer: ResidualQuantizer) -> [UInt8] {
    let codeSize = quantizer.codeSize
    var codes = [UInt8](repeating: 0, count: count * codeSize)
    let block = 256
    let blocks = (count + block - 1) / block
    guard blocks > 0 else { return codes }
    residuals.withUnsafeBufferPointer { source in
      codes.withUnsafeMutableBufferPointer { target in
        let input = source.baseAddress!
        let output = target.baseAddress!
        let workers = min(Parallel.defaultThreads, blocks)
        Parallel.forEachWorker(workers) { worker in
          for index in stride(from: worker, to: blocks, by: workers) {
            let start = index * block
            let rows = min(block, count - start)
            let from = input + start * dimension
            let into = output + start * codeSize
            switch quantizer {
            case .scalar(let scalar): scalar.encode(vectors: from, count: rows, into: into)
            case .product(let product): product.encode(vectors: from, count: rows, into: into)
            }
          }
        }
      }
    }
    return codes
  }
}
