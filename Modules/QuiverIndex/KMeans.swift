import Dispatch
import QuiverKernels

/// What k-means training produced.
package struct KMeansResult: Sendable {
  /// `k × dimension` centroids, row-major.
  package var centroids: [Float]
  /// The number of centroids.
  package var k: Int
  /// Lloyd iterations run (at most `maxIterations`).
  package var iterations: Int
  /// Mean distance of the training points to their nearest centroid after the last assignment.
  package var meanDistance: Double
  /// How many times an empty cluster was re-seeded by splitting the largest one.
  package var repairedEmptyClusters: Int
}

/// k-means clustering: k-means++ seeding on a sample, then Lloyd iterations, with the
/// assignment of points to centroids done in blocks by the many-to-many distance kernel on all
/// cores. Deterministic for a given seed whatever the number of threads.
///
/// The metric decides the assignment: `.l2` (and `.cosine`, whose callers pass unit vectors, on
/// which nearest-by-L2 is nearest-by-angle) assign by squared Euclidean distance, `.dot` by the
/// largest inner product. Centroids are always the means of their points.
package enum KMeans {
  /// Rows per block of the assignment step (the block is `rowsPerBlock × k` distances).
  static let rowsPerBlock = 64
  /// Upper bound on the multiply-adds of k-means++ seeding; the seeding sample is cut to fit.
  static let seedingBudget = 1_000_000_000.0
  /// By default training stops when the mean distance improves by less than this fraction.
  package static let tolerance = 1e-4
  /// Up to this many dimensions, L2 assignment uses `SmallCodebookSearch`.
  static let smallDimension = 32

  /// Trains `k` centroids on `count` vectors: the first `count` rows of `vectors`, or the rows
  /// listed in `rows` (`rows.count == count`), read in place so a sample needs no copy.
  ///
  /// - Precondition: `1 <= k <= count`, `dimension > 0`, every row inside `vectors`.
  /// - Complexity: O(iterations × count × k × dimension), split over `threads`.
  package static func train(
    vectors: UnsafeBufferPointer<Float>, count: Int, dimension: Int, k: Int,
    maxIterations: Int, metric: DistanceMetric, seed: UInt64, threads: Int,
    tolerance: Double = KMeans.tolerance, rows: [Int]? = nil
  ) -> KMeansResult {
    precondition(k >= 1 && k <= count && dimension > 0, "invalid k-means sizes")
    if let rows {
      precondition(rows.count == count, "row list does not match count")
      precondition(
        rows.allSatisfy { $0 >= 0 && ($0 + 1) * dimension <= vectors.count },
        "row outside the vectors")
    } else {
      precondition(vectors.count >= count * dimension, "vector buffer too small")
    }
    let base = vectors.baseAddress!
    var random = SeededRandom(seed: seed)
    var centroids = seedPlusPlus(
      vectors: base, count: count, dimension: dimension, k: k, random: &random, rows: rows)
    var assignments = [Int32](repeating: -1, count: count)
    var previous = [Int32](repeating: -1, count: count)
    var distances = [Float](repeating: 0, count: count)
    var meanDistance = Double.infinity
    var iterations = 0
    var repaired = 0
    while iterations < maxIterations {
      iterations += 1
      centroids.withUnsafeBufferPointer { c in
        assignments.withUnsafeMutableBufferPointer { a in
          distances.withUnsafeMutableBufferPointer { d in
            assign(
              vectors: base, count: count, dimension: dimension, centroids: c.baseAddress!, k: k,
              metric: metric, threads: threads, assignments: a.baseAddress!,
              distances: d.baseAddress!, rows: rows)
          }
        }
      }
      let newMean = distances.reduce(0.0) { $0 + Double($1) } / Double(count)
      let unchanged = assignments == previous
      let improvement =
        meanDistance.isFinite ? (meanDistance - newMean) / max(abs(meanDistance), 1e-30) : 1
      meanDistance = newMean
      if unchanged || improvement < tolerance { break }
      swap(&previous, &assignments)
      repaired += updateCentroids(
        &centroids, vectors: base, rows: rows, count: count, dimension: dimension, k: k,
        assignments: previous, threads: threads)
    }
    return KMeansResult(
      centroids: centroids, k: k, iterations: iterations, meanDistance: meanDistance,
      repairedEmptyClusters: repaired)
  }

  /// Writes each vector's nearest centroid and its distance (in the assignment metric: squared
  /// L2, or 1 − inner product for `.dot`). With `rows`, vector `i` is row `rows[i]` of
  /// `vectors`.
  ///
  /// - Precondition: pointers valid for the stated sizes; `k >= 1`.
  /// - Complexity: O(count × k × dimension), split over `threads`.
  package static func assign(
    vectors: UnsafePointer<Float>, count: Int, dimension: Int, centroids: UnsafePointer<Float>,
    k: Int, metric: DistanceMetric, threads: Int, assignments: UnsafeMutablePointer<Int32>,
    distances: UnsafeMutablePointer<Float>, rows: [Int]? = nil
  ) {
    guard count > 0 else { return }
    if let rows {
      // Gather each block of listed rows, then assign it as contiguous vectors.
      let blocks = (count + rowsPerBlock - 1) / rowsPerBlock
      let workers = max(1, min(threads, blocks))
      rows.withUnsafeBufferPointer { listed in
        let listed = listed.baseAddress!
        Parallel.forEachWorker(workers) { worker in
          let gathered = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerBlock * dimension)
          defer { gathered.deallocate() }
          var block = worker
          while block < blocks {
            let start = block * rowsPerBlock
            let blockRows = min(rowsPerBlock, count - start)
            for row in 0..<blockRows {
              (gathered + row * dimension).update(
                from: vectors + listed[start + row] * dimension, count: dimension)
            }
            assign(
              vectors: gathered, count: blockRows, dimension: dimension, centroids: centroids,
              k: k, metric: metric, threads: 1, assignments: assignments + start,
              distances: distances + start)
            block += workers
          }
        }
      }
      return
    }
    let blockMetric: DistanceMetric = metric == .dot ? .dot : .l2
    let blocks = (count + rowsPerBlock - 1) / rowsPerBlock
    let workers = max(1, min(threads, blocks))
    if blockMetric == .l2 && dimension <= smallDimension {
      // PQ sub-spaces: the transposed small-codebook search is several times faster.
      let search = SmallCodebookSearch(entries: centroids, count: k, dimension: dimension)
      Parallel.forEachWorker(workers) { worker in
        var block = worker
        while block < blocks {
          let start = block * rowsPerBlock
          search.nearest(
            points: vectors + start * dimension, rows: min(rowsPerBlock, count - start),
            stride: dimension, indices: assignments + start, distances: distances + start)
          block += workers
        }
      }
      return
    }
    Parallel.forEachWorker(workers) { worker in
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerBlock * k)
      defer { scratch.deallocate() }
      var block = worker
      while block < blocks {
        let start = block * rowsPerBlock
        let rows = min(rowsPerBlock, count - start)
        blockMetric.distanceBlock(
          queries: vectors + start * dimension, queryCount: rows, points: centroids,
          pointCount: k, dimension: dimension, into: scratch)
        for row in 0..<rows {
          let line = scratch + row * k
          var best = 0
          var bestDistance = line[0]
          for j in 1..<max(k, 1) where line[j] < bestDistance {
            best = j
            bestDistance = line[j]
          }
          assignments[start + row] = Int32(best)
          distances[start + row] = bestDistance
        }
        block += workers
      }
    }
  }

  /// k-means++: the first centroid uniformly, each next one with probability proportional to
  /// the squared distance to the nearest chosen one, over a sample small enough for
  /// `seedingBudget`.
  static func seedPlusPlus(
    vectors: UnsafePointer<Float>, count: Int, dimension: Int, k: Int,
    random: inout SeededRandom, rows: [Int]?
  ) -> [Float] {
    let budgetRows = Int(seedingBudget / Double(max(1, k * dimension)))
    let sampleCount = min(count, max(2 * k, budgetRows))
    let sample = sampleCount == count ? Array(0..<count) : random.sample(sampleCount, from: count)
    var points = [Float](repeating: 0, count: sampleCount * dimension)
    for (row, index) in sample.enumerated() {
      let source = rows?[index] ?? index
      for i in 0..<dimension { points[row * dimension + i] = vectors[source * dimension + i] }
    }
    var centroids = [Float](repeating: 0, count: k * dimension)
    var nearest = [Float](repeating: .infinity, count: sampleCount)
    var latest = [Float](repeating: 0, count: sampleCount)
    var chosen = Int(random.next() % UInt64(sampleCount))
    points.withUnsafeBufferPointer { p in
      let base = p.baseAddress!
      for c in 0..<k {
        for i in 0..<dimension { centroids[c * dimension + i] = base[chosen * dimension + i] }
        guard c + 1 < k else { break }
        latest.withUnsafeMutableBufferPointer { out in
          DistanceMetric.l2.distances(
            from: base + chosen * dimension, to: base, count: sampleCount, dimension: dimension,
            into: out.baseAddress!)
        }
        var total = 0.0
        for j in 0..<sampleCount {
          nearest[j] = min(nearest[j], latest[j])
          total += Double(nearest[j])
        }
        if total <= 0 {
          // Fewer distinct points than centroids: duplicates are repaired by Lloyd's split.
          chosen = Int(random.next() % UInt64(sampleCount))
          continue
        }
        var target = random.nextUnit() * total
        chosen = sampleCount - 1
        for j in 0..<sampleCount {
          target -= Double(nearest[j])
          if target < 0 {
            chosen = j
            break
          }
        }
      }
    }
    return centroids
  }

  /// Moves every centroid to the mean of its points; an empty cluster takes half of the
  /// largest one (both centroids nudged apart). Returns how many clusters were repaired.
  static func updateCentroids(
    _ centroids: inout [Float], vectors: UnsafePointer<Float>, rows: [Int]?, count: Int,
    dimension: Int, k: Int,
    assignments: [Int32], threads: Int
  ) -> Int {
    var counts = [Int](repeating: 0, count: k)
    for a in assignments { counts[Int(a)] += 1 }
    let finalCounts = counts
    // Sums by dimension slices: each sum runs over rows in order, so the result does not depend
    // on the number of workers.
    let workers = max(1, min(threads, dimension))
    centroids.withUnsafeMutableBufferPointer { out in
      assignments.withUnsafeBufferPointer { assigned in
        let outBase = out.baseAddress!
        let assignedBase = assigned.baseAddress!
        Parallel.forEachWorker(workers) { worker in
          let low = worker * dimension / workers
          let high = (worker + 1) * dimension / workers
          let width = high - low
          guard width > 0 else { return }
          let sums = UnsafeMutablePointer<Double>.allocate(capacity: k * width)
          defer { sums.deallocate() }
          sums.initialize(repeating: 0, count: k * width)
          for row in 0..<count {
            let target = sums + Int(assignedBase[row]) * width
            let source = vectors + (rows?[row] ?? row) * dimension + low
            for i in 0..<width { target[i] += Double(source[i]) }
          }
          for c in 0..<k where finalCounts[c] > 0 {
            let inverse = 1 / Double(finalCounts[c])
            for i in 0..<width {
              outBase[c * dimension + low + i] = Float(sums[c * width + i] * inverse)
            }
          }
        }
      }
    }
    var repaired = 0
    let epsilon: Float = 1.0 / 1024
    for empty in 0..<k where counts[empty] == 0 {
      var largest = 0
      for c in 1..<k where counts[c] > counts[largest] { largest = c }
      guard counts[largest] > 1 else { break }
      for i in 0..<dimension {
        let value = centroids[largest * dimension + i]
        let sign: Float = i % 2 == 0 ? 1 : -1
        centroids[empty * dimension + i] = value * (1 + sign * epsilon)
        centroids[largest * dimension + i] = value * (1 - sign * epsilon)
      }
      counts[empty] = counts[largest] / 2
      counts[largest] -= counts[empty]
      repaired += 1
    }
    return repaired
  }
}
