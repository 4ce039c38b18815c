import QuiverIndex
import QuiverKernels
import QuiverStorage

/// The exact top-k of one query over cached vector blocks, read in place with the one-to-many
/// kernel and split across cores when the blocks are large.
///
/// Rows are cut into chunks of `chunkRows` counted from each block's first row, whatever the
/// thread count, and each chunk is computed by one kernel call. A row's distance depends only on
/// the query and the row (the kernels sum every pair in one order fixed by the dimension), not on
/// the chunk, block or thread it falls in, and the per-thread top-k lists merge (ties broken by
/// id) into the same result.
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

  /// Rows of one many-to-many tile: 128 rows of 384 floats are 192 KiB, read from memory once
  /// and then from the core's L2 cache for every query of a batch.
  static let tileRows = 128
  /// Queries per many-to-many kernel call (their distances to a tile fill 32 KiB at 128 rows).
  static let tileQueries = 64

  /// The fixed chunks of every part with rows to scan, and whether they hold enough floats to
  /// split across threads.
  private func chunks() -> (chunks: [(part: Int, first: Int, count: Int)], large: Bool) {
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
    return (chunks, floats >= Self.parallelMinimumFloats)
  }

  /// The `k` nearest allowed rows whose distance `inRange` accepts, nearest first, scanned on
  /// up to `threads` threads.
  func nearest(
    to query: [Float], k: Int, threads: Int, inRange: (Float) -> Bool
  ) -> [Neighbor] {
    let (chunks, large) = chunks()
    let workers = large ? max(1, min(threads, chunks.count)) : 1
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
    return Self.merge(tops, k: k)
  }

  /// The `k` nearest allowed rows of each of `queries` (packed, `dimension` floats each) whose
  /// distance `inRange` accepts, nearest first: one many-to-many pass over the blocks, tile by
  /// tile, so each row is read from memory once for the whole batch. Chunks spread over up to
  /// `threads` threads; tiles and query groups are fixed, so the answer does not depend on the
  /// thread count.
  func nearest(
    toBatch queries: [Float], k: Int, threads: Int, inRange: (Float) -> Bool
  ) -> [[Neighbor]] {
    let queryCount = queries.count / dimension
    guard queryCount > 0 else { return [] }
    let (chunks, _) = chunks()
    let workers = max(1, min(threads, chunks.count))
    var tops = [[TopK]](repeating: [], count: workers)
    tops.withUnsafeMutableBufferPointer { tops in
      queries.withUnsafeBufferPointer { queries in
        Parallel.forEachWorker(workers) { worker in
          let distances = UnsafeMutablePointer<Float>.allocate(
            capacity: Self.tileQueries * Self.tileRows)
          defer { distances.deallocate() }
          var mine = [TopK](repeating: TopK(k: k), count: queryCount)
          mine.withUnsafeMutableBufferPointer { mine in
            var index = worker
            while index < chunks.count {
              let chunk = chunks[index]
              let part = parts[chunk.part]
              part.block.withUnsafeBufferPointer { values in
                var tileFirst = chunk.first
                let end = chunk.first + chunk.count
                while tileFirst < end {
                  let rows = min(Self.tileRows, end - tileFirst)
                  var group = 0
                  while group < queryCount {
                    let groupCount = min(Self.tileQueries, queryCount - group)
                    metric.distanceBlock(
                      queries: queries.baseAddress! + group * dimension, queryCount: groupCount,
                      points: values.baseAddress! + tileFirst * dimension, pointCount: rows,
                      dimension: dimension, into: distances)
                    for member in 0..<groupCount {
                      let row0 = distances + member * rows
                      var threshold = mine[group + member].threshold
                      for row in 0..<rows where row0[row] <= threshold {
                        let offset = tileFirst + row
                        if let allowed = part.allowed, !allowed.contains(offset) { continue }
                        guard inRange(row0[row]) else { continue }
                        mine[group + member].insert(
                          id: part.fragment.rowId(offset), distance: row0[row])
                        threshold = mine[group + member].threshold
                      }
                    }
                    group += groupCount
                  }
                  tileFirst += rows
                }
              }
              index += workers
            }
          }
          tops[worker] = mine
        }
      }
    }
    return (0..<queryCount).map { query in Self.merge(tops.map { $0[query] }, k: k) }
  }

  /// One top-k of the per-thread lists, ties broken by id.
  private static func merge(_ tops: [TopK], k: Int) -> [Neighbor] {
    var merged = TopK(k: k)
    for top in tops {
      for neighbor in top.sorted() { merged.insert(neighbor) }
    }
    return merged.sorted()
  }
}
