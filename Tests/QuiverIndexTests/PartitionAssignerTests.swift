import Foundation
import QuiverIndex
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

/// Assignment of rows to many centroids through groups (issue 12): the same partition for a
/// row whatever the batch or thread count, nearly always the exact nearest, and builds over
/// many partitions still byte-identical for any thread count and budget; the k-means sample
/// capped by the budget.
@Suite("Partition assignment through centroid groups")
struct PartitionAssignerTests {
  static let dimension = 40

  /// `count` points around `clusters` seeded centres (spread 1, noise `noise`), row-major.
  static func clustered(_ count: Int, clusters: Int, noise: Float, seed: UInt64) -> [Float] {
    var random = SeededRandom(seed: seed)
    var centres = SeededRandom(seed: 99)
    let middles = (0..<(clusters * dimension)).map { _ in Float(centres.nextUnit()) * 2 - 1 }
    var points = [Float]()
    points.reserveCapacity(count * dimension)
    for _ in 0..<count {
      let cluster = Int(random.next() % UInt64(clusters))
      for i in 0..<dimension {
        points.append(middles[cluster * dimension + i] + (Float(random.nextUnit()) - 0.5) * noise)
      }
    }
    return points
  }

  static let centroids = clustered(600, clusters: 40, noise: 0.6, seed: 1)
  static let rows = clustered(3_000, clusters: 40, noise: 0.7, seed: 2)

  /// Vector `index` of row-major `vectors`.
  static func vector(_ index: Int, of vectors: [Float]) -> [Float] {
    Array(vectors[(index * dimension)..<((index + 1) * dimension)])
  }

  /// `assigner`'s partitions and distances for `rows`, in batches of `batch` rows.
  static func assign(
    _ assigner: PartitionAssigner, threads: Int, batch: Int
  ) -> ([Int32], [Float]) {
    let count = rows.count / dimension
    var assignments = [Int32](repeating: -1, count: count)
    var distances = [Float](repeating: -1, count: count)
    rows.withUnsafeBufferPointer { vectors in
      assignments.withUnsafeMutableBufferPointer { assigned in
        distances.withUnsafeMutableBufferPointer { measured in
          var start = 0
          while start < count {
            let size = min(batch, count - start)
            assigner.assign(
              vectors: vectors.baseAddress! + start * dimension, rows: size, threads: threads,
              assignments: assigned.baseAddress! + start,
              distances: measured.baseAddress! + start)
            start += size
          }
        }
      }
    }
    return (assignments, distances)
  }

  @Test func manyCentroidsAreGroupedAndAssignedNearlyExactly() throws {
    let grouped = PartitionAssigner(
      centroids: Self.centroids, dimension: Self.dimension, metric: .l2, seed: 3, threads: 2)
    #expect(grouped.isGrouped)
    #expect(grouped.probes == PartitionAssigner.defaultProbes)
    let exhaustive = PartitionAssigner(
      exhaustive: Self.centroids, dimension: Self.dimension, metric: .l2)
    #expect(!exhaustive.isGrouped)
    let (exact, exactDistances) = Self.assign(exhaustive, threads: 1, batch: 3_000)
    let (found, foundDistances) = Self.assign(grouped, threads: 2, batch: 3_000)
    #expect(found.allSatisfy { $0 >= 0 && $0 < 600 })
    let agreeing = zip(found, exact).filter { $0 == $1 }.count
    #expect(agreeing >= 2_970, "\(agreeing) of 3000 rows got their nearest centroid")
    for row in 0..<found.count {
      // The distance reported is the row's true distance to the centroid it got, never less
      // than the nearest one's.
      let centroid = Self.vector(Int(found[row]), of: Self.centroids)
      let point = Self.vector(row, of: Self.rows)
      let distance = try DistanceMetric.l2.distance(point, centroid)
      #expect(abs(distance - foundDistances[row]) <= 1e-4 * max(1, distance))
      #expect(foundDistances[row] >= exactDistances[row] - 1e-4 * max(1, distance))
    }
  }

  @Test func aRowsPartitionDependsOnTheRowAlone() {
    let grouped = PartitionAssigner(
      centroids: Self.centroids, dimension: Self.dimension, metric: .l2, seed: 3, threads: 1)
    let reference = Self.assign(grouped, threads: 1, batch: 3_000)
    for (threads, batch) in [(2, 3_000), (3, 1_000), (2, 97), (1, 1)] {
      let other = Self.assign(grouped, threads: threads, batch: batch)
      #expect(other.0 == reference.0, "threads \(threads), batches of \(batch)")
      #expect(other.1 == reference.1, "threads \(threads), batches of \(batch)")
    }
    // The groups themselves do not depend on the threads that trained them.
    let trainedOnTwo = PartitionAssigner(
      centroids: Self.centroids, dimension: Self.dimension, metric: .l2, seed: 3, threads: 2)
    #expect(Self.assign(trainedOnTwo, threads: 1, batch: 3_000).0 == reference.0)
  }

  @Test func fewCentroidsAndDotAreComparedWithEveryCentroid() {
    let few = PartitionAssigner(
      centroids: Array(Self.centroids.prefix(511 * Self.dimension)), dimension: Self.dimension,
      metric: .l2, seed: 3, threads: 2)
    #expect(!few.isGrouped)
    let dot = PartitionAssigner(
      centroids: Self.centroids, dimension: Self.dimension, metric: .dot, seed: 3, threads: 2)
    #expect(!dot.isGrouped)
    // Grouping on request below the default threshold, and all groups probed: exact.
    let everyGroup = PartitionAssigner(
      centroids: Self.centroids, dimension: Self.dimension, metric: .l2, seed: 3, threads: 2,
      groupingThreshold: 2, probes: 1_000)
    #expect(everyGroup.isGrouped)
    let exhaustive = PartitionAssigner(
      exhaustive: Self.centroids, dimension: Self.dimension, metric: .l2)
    #expect(
      Self.assign(everyGroup, threads: 2, batch: 700).0
        == Self.assign(exhaustive, threads: 2, batch: 700).0)
  }

  @Test func theTrainingSampleFitsHalfTheBudgetButKeeps64RowsAPartition() {
    let gibibyte = MemoryBudget(bytes: 1 << 30)
    // 10 M × 384 at the default √rows partitions: 809,472 rows wanted, 349,525 fit 512 MiB.
    #expect(
      IVFIndexBuilder.trainingRowCount(
        rowCount: 10_000_000, partitions: 3_162, sampleRate: 256, dimension: 384,
        budget: gibibyte) == 349_525)
    // 1 M: the whole 256 × 1,000 sample fits.
    #expect(
      IVFIndexBuilder.trainingRowCount(
        rowCount: 1_000_000, partitions: 1_000, sampleRate: 256, dimension: 384,
        budget: gibibyte) == 256_000)
    // A tiny budget does not take the sample below 64 rows a partition.
    #expect(
      IVFIndexBuilder.trainingRowCount(
        rowCount: 1_000_000, partitions: 1_000, sampleRate: 256, dimension: 384,
        budget: MemoryBudget(bytes: 64 << 10)) == 64_000)
    // Without a bound, or with few rows, the sample is what it always was.
    #expect(
      IVFIndexBuilder.trainingRowCount(
        rowCount: 10_000_000, partitions: 3_162, sampleRate: 256, dimension: 384,
        budget: .unlimited) == 809_472)
    #expect(
      IVFIndexBuilder.trainingRowCount(
        rowCount: 2_000, partitions: 45, sampleRate: 256, dimension: 384,
        budget: MemoryBudget(bytes: 64 << 10)) == 2_000)
  }

  @Test func aTinyBudgetCutsTheTrainingSampleOfAStreamedBuild() throws {
    let count = Self.rows.count / Self.dimension
    let rowIds = (0..<UInt64(count)).map { $0 }
    let parameters = IVFIndexParameters(
      type: .ivfFlat, metric: .l2, numPartitions: 8, maxIterations: 3, seed: 2)
    // 256 × 8 = 2,048 rows wanted; half of 64 KiB holds 204 rows of 40 floats, so the sample is
    // cut to 64 × 8 = 512.
    for (budget, expected) in [(MemoryBudget(bytes: 64 << 10), 512), (.default, 2_048)] {
      let folder = try TestPaths.temporaryDirectory("sample-cap")
      defer { try? FileManager.default.removeItem(at: folder) }
      try Self.rows.withUnsafeBufferPointer { buffer in
        try VectorIndexFactory.build(
          from: InMemoryBuildInput(vectors: buffer, dimension: Self.dimension, rowIDs: rowIds),
          parameters: parameters, graph: HNSWParameters(), budget: budget, progress: nil,
          into: IndexFolder(local: folder))
      }
      let index = try IVFIndex.open(at: IndexFolder(local: folder))
      #expect(index.statistics.ivfTrainingRows == expected, "budget \(budget)")
    }
  }

  @Test func buildsOverManyPartitionsAreIdenticalForAnyThreadsAndBudget() throws {
    let count = Self.rows.count / Self.dimension
    let rowIds = (0..<UInt64(count)).map { (3 << 32) | $0 }
    let parameters = IVFIndexParameters(
      type: .ivfPQ, metric: .l2, numPartitions: 520, numSubVectors: 10, numBits: 4,
      sampleRate: 4, maxIterations: 4, seed: 11)
    var written: [[String: Data]] = []
    for threads in [1, 2] {
      let index = try IVFIndexBuilder(parameters: parameters, threads: threads)
        .build(vectors: Self.rows, rowIds: rowIds, dimension: Self.dimension)
      #expect(index.partitionCount == 520)
      let folder = try TestPaths.temporaryDirectory("grouped")
      defer { try? FileManager.default.removeItem(at: folder) }
      try index.write(to: IndexFolder(local: folder))
      written.append(try StreamingBuildTests.files(folder))
    }
    let streamed = try Self.rows.withUnsafeBufferPointer { buffer in
      let folder = try TestPaths.temporaryDirectory("grouped-streamed")
      defer { try? FileManager.default.removeItem(at: folder) }
      try VectorIndexFactory.build(
        from: InMemoryBuildInput(vectors: buffer, dimension: Self.dimension, rowIDs: rowIds),
        parameters: parameters, graph: HNSWParameters(), budget: MemoryBudget(bytes: 64 << 10),
        progress: nil, into: IndexFolder(local: folder))
      return try StreamingBuildTests.files(folder)
    }
    #expect(written[0].count == 2)
    #expect(written[0] == written[1], "files differ between one and two threads")
    #expect(streamed == written[0], "the streamed build's files differ")
  }
}
