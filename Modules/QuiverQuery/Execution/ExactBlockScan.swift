import QuiverIndex
import QuiverKernels
import QuiverStorage

/// The exact top-k of one query over cached vector blocks, read in place with the one-to-many
/// kernel and split across cores when the blocks are large.
///
/// Rows are cut into chunks of `chunkRows` counted from each block's first row, whatever the
/// thread count, and each chunk is computed by one kernel call: a row's distance never depends
/// on how many threads ran, and the per-thread top-k lists merge (ties broken by id) into the same
/// result.
struct ExactBlockScan {
  /// One fragment's block and the rows of it a search may return (nil: every row).
  struct Part {
    var fragment: QueryFragment
    var block: FloatVectorBlock
    var allowed: RowBitmap?
  }

  /// Rows per kernel call: 4,096 rows of 384 floats are 6 MB, streamed once.
  static let chunkRows = 4096
  /// Below this many floats in all (16 MB) one thread scans: a hand-off would cost more than it
  /// saves.
  static let parallelMinimumFloats = 1 << 22

  var parts: [Part]
  var metric: DistanceMetric
  var dimension: Int

  /// The `k` nearest allowed rows whose distance `inRange` accepts, nearest first, scanned on
  /// up to `threads` threads.
  func nearest(
    to query: [Float], k: Int, threads: Int, inRange: (Float) -> Bool
  ) -> [Neighbor] {
    var chunks: [(part: Int, first: Int, count: Int)] = []
    var floats = 0
    for (index, part) in parts.enumerated() {
      if let allowed = part.allowed, allowed.count == 0 { continue }
      let rows = part.block.rowCount
      floats += rows * dimension
      var first = 0
      while first < rows {
        chunks.append((index, first, min(Self.chunkRows, rows - first)))
        first += Self.chunkRows
      }
    }
    let workers =
      floats >= Self.parallelMinimumFloats ? max(1, min(threads, chunks.count)) : 1
    var tops = [TopK](repeating: TopK(k: k), count: workers)
    tops.withUnsafeMutableBufferPointer { tops in
      query.withUnsafeBufferPointer { query in
        Parallel.forEachWorker(workers) { worker in
          let distances = UnsafeMutablePointer<Float>.allocate(capacity: Self.chunkRows)
          defer { distances.deallocate() }
          var top = TopK(k: k)
          var index = worker
          while index < chunks.count {
            let chunk = chunks[index]
            let part = parts[chunk.part]
            part.block.withUnsafeBufferPointer { values in
              metric.distances(
                from: query.baseAddress!, to: values.baseAddress! + chunk.first * dimension,
                count: chunk.count, dimension: dimension, into: distances)
            }
            var threshold = top.threshold
            for row in 0..<chunk.count where distances[row] <= threshold {
              let offset = chunk.first + row
              if let allowed = part.allowed, !allowed.contains(offset) { continue }
              guard inRange(distances[row]) else { continue }
              top.insert(id: part.fragment.rowId(offset), distance: distances[row])
              threshold = top.threshold
            }
            index += workers
          }
          tops[worker] = top
        }
      }
    }
    var merged = TopK(k: k)
    for top in tops {
      for neighbor in top.sorted() { merged.insert(neighbor) }
    }
    return merged.sorted()
  }
}
