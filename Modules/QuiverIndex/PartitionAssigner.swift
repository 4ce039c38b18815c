import QuiverKernels

/// Assigns vectors to the nearest of an IVF model's centroids, the same way for a build's
/// quantizer sample and for its streaming pass.
///
/// With fewer than `groupingThreshold` centroids, or for the dot metric, every vector is
/// compared with every centroid (`KMeans.assign`). With more, that comparison would dominate a
/// build: it costs rows × centroids × dimension, and the default centroid count grows as
/// √rows. The centroids are then clustered into about √k `CentroidGroups`; a vector is compared
/// with the group centroids, then with the members of its `probes` nearest groups, about
/// (1 + probes) × √k distances instead of k. It gets the nearest centroid among those members:
/// the exact nearest unless that one sits in a group that was not probed (how often, and what
/// it costs in recall, is measured in Docs/Benchmarks.md). A vector's partition depends on the
/// vector alone, not on its batch or the thread count.
package struct PartitionAssigner: Sendable {
  /// `count × dimension` centroids, row-major.
  package let centroids: [Float]
  /// The number of centroids.
  package let count: Int
  /// Floats per vector.
  package let dimension: Int
  /// The assignment metric: `.dot` (largest inner product), otherwise squared L2 (cosine
  /// callers pass unit vectors).
  let metric: DistanceMetric
  /// The groups of a two-level assignment; nil compares every vector with every centroid.
  let groups: CentroidGroups?
  /// Groups whose members each vector is compared with.
  package let probes: Int

  /// The fewest centroids that are assigned through groups by default.
  package static let groupingThreshold = 512
  /// Groups probed per vector by default.
  package static let defaultProbes = 6
  /// Rows per block of the grouped assignment (one block's rows are sorted by probed group).
  static let rowsPerBlock = 256

  /// An assigner that compares every vector with every one of `centroids`.
  package init(exhaustive centroids: [Float], dimension: Int, metric: DistanceMetric) {
    self.init(
      centroids: centroids, dimension: dimension, metric: metric, seed: 0, threads: 1,
      groupingThreshold: .max)
  }

  /// An assigner for `centroids` that groups them when there are at least `groupingThreshold`
  /// and the metric is not `.dot`; the groups are trained by k-means seeded by `seed`.
  ///
  /// - Complexity: O(count^1.5 × dimension × 25) to group, split over `threads`.
  package init(
    centroids: [Float], dimension: Int, metric: DistanceMetric, seed: UInt64, threads: Int,
    groupingThreshold: Int = PartitionAssigner.groupingThreshold,
    probes: Int = PartitionAssigner.defaultProbes
  ) {
    precondition(
      dimension > 0 && !centroids.isEmpty && centroids.count % dimension == 0,
      "invalid centroids")
    let count = centroids.count / dimension
    var groups: CentroidGroups?
    if metric != .dot && count >= max(2, groupingThreshold) {
      groups = CentroidGroups(
        centroids: centroids, count: count, dimension: dimension, seed: seed, threads: threads)
    }
    self.centroids = centroids
    self.count = count
    self.dimension = dimension
    self.metric = metric
    self.groups = groups
    self.probes = groups.map { max(1, min(probes, $0.count)) } ?? 0
  }

  /// Whether vectors are assigned through groups of centroids.
  package var isGrouped: Bool { groups != nil }

  /// Writes each of `rows` vectors' centroid and its distance (squared L2, or 1 − inner product
  /// for `.dot`).
  ///
  /// - Precondition: pointers valid for `rows` vectors and results.
  /// - Complexity: O(rows × k × dimension) exhaustive, O(rows × (1 + probes) × √k × dimension)
  ///   grouped; split over `threads`.
  package func assign(
    vectors: UnsafePointer<Float>, rows: Int, threads: Int,
    assignments: UnsafeMutablePointer<Int32>, distances: UnsafeMutablePointer<Float>
  ) {
    guard rows > 0 else { return }
    guard let groups else {
      centroids.withUnsafeBufferPointer { c in
        KMeans.assign(
          vectors: vectors, count: rows, dimension: dimension, centroids: c.baseAddress!,
          k: count, metric: metric, threads: threads, assignments: assignments,
          distances: distances)
      }
      return
    }
    let blocks = (rows + Self.rowsPerBlock - 1) / Self.rowsPerBlock
    let workers = max(1, min(threads, blocks))
    Parallel.forEachWorker(workers) { worker in
      var block = GroupedBlock(groups: groups, probes: probes)
      var index = worker
      while index < blocks {
        let start = index * Self.rowsPerBlock
        block.assign(
          vectors + start * dimension, rows: min(Self.rowsPerBlock, rows - start),
          assignments: assignments + start, distances: distances + start)
        index += workers
      }
    }
  }
}

/// One worker's buffers for assigning blocks of rows through `CentroidGroups`.
private struct GroupedBlock {
  let groups: CentroidGroups
  let probes: Int
  /// Row × group distances of the block.
  var groupDistances: [Float]
  /// Each row's probed groups (`probes` a row) and their distances while they are chosen.
  var probed: [Int32]
  var probedDistances: [Float]
  /// Rows of the block probing each group: `rowsOfGroup[groupStarts[g]..<groupStarts[g + 1]]`.
  var groupStarts: [Int]
  var rowsOfGroup: [Int32]
  /// The rows of one group gathered contiguously, and their distances to its members.
  var gathered: [Float]
  var memberDistances: [Float]

  init(groups: CentroidGroups, probes: Int) {
    let rows = PartitionAssigner.rowsPerBlock
    self.groups = groups
    self.probes = probes
    groupDistances = [Float](repeating: 0, count: rows * groups.count)
    probed = [Int32](repeating: 0, count: rows * probes)
    probedDistances = [Float](repeating: 0, count: probes)
    groupStarts = [Int](repeating: 0, count: groups.count + 1)
    rowsOfGroup = [Int32](repeating: 0, count: rows * probes)
    gathered = [Float](repeating: 0, count: rows * groups.dimension)
    memberDistances = [Float](repeating: 0, count: rows * groups.largestGroup)
  }

  /// Assigns `rows` consecutive vectors: picks each row's nearest groups, then compares the
  /// rows probing a group with all of its members at once (the many-to-many kernel), keeping
  /// for each row the nearest member, the lower centroid number on a tie.
  mutating func assign(
    _ vectors: UnsafePointer<Float>, rows: Int, assignments: UnsafeMutablePointer<Int32>,
    distances: UnsafeMutablePointer<Float>
  ) {
    let dimension = groups.dimension
    let groupCount = groups.count
    let groupCentroids = groups.centroids
    groupCentroids.withUnsafeBufferPointer { centroids in
      groupDistances.withUnsafeMutableBufferPointer { out in
        DistanceMetric.l2.distanceBlock(
          queries: vectors, queryCount: rows, points: centroids.baseAddress!,
          pointCount: groupCount, dimension: dimension, into: out.baseAddress!)
      }
    }
    for row in 0..<rows { chooseGroups(of: row) }
    sortRowsByGroup(rows: rows)
    for row in 0..<rows {
      assignments[row] = Int32.max
      distances[row] = .infinity
    }
    for group in 0..<groupCount where groupStarts[group] < groupStarts[group + 1] {
      compare(group: group, vectors: vectors, assignments: assignments, distances: distances)
    }
  }

  /// Keeps the `probes` groups nearest to `row` (ties to the lower group number) in `probed`.
  private mutating func chooseGroups(of row: Int) {
    let groupCount = groups.count
    let line = row * groupCount
    let out = row * probes
    var filled = 0
    for group in 0..<groupCount {
      let distance = groupDistances[line + group]
      if filled == probes && !(distance < probedDistances[probes - 1]) { continue }
      var slot = min(filled, probes - 1)
      while slot > 0 && distance < probedDistances[slot - 1] {
        probedDistances[slot] = probedDistances[slot - 1]
        probed[out + slot] = probed[out + slot - 1]
        slot -= 1
      }
      probedDistances[slot] = distance
      probed[out + slot] = Int32(group)
      filled = min(filled + 1, probes)
    }
  }

  /// Lists the block's rows by probed group (a counting sort, rows ascending within a group).
  private mutating func sortRowsByGroup(rows: Int) {
    let groupCount = groups.count
    for group in 0...groupCount { groupStarts[group] = 0 }
    for entry in 0..<(rows * probes) { groupStarts[Int(probed[entry]) + 1] += 1 }
    for group in 0..<groupCount { groupStarts[group + 1] += groupStarts[group] }
    var next = Array(groupStarts[0..<groupCount])
    for row in 0..<rows {
      for probe in 0..<probes {
        let group = Int(probed[row * probes + probe])
        rowsOfGroup[next[group]] = Int32(row)
        next[group] += 1
      }
    }
  }

  /// Compares the block's rows probing `group` with its members and keeps each row's nearest.
  private mutating func compare(
    group: Int, vectors: UnsafePointer<Float>, assignments: UnsafeMutablePointer<Int32>,
    distances: UnsafeMutablePointer<Float>
  ) {
    let dimension = groups.dimension
    let first = groupStarts[group]
    let count = groupStarts[group + 1] - first
    let memberStart = groups.starts[group]
    let memberCount = groups.starts[group + 1] - memberStart
    let memberCentroids = groups.memberCentroids
    let rowsOfGroup = rowsOfGroup
    gathered.withUnsafeMutableBufferPointer { gathered in
      let gathered = gathered.baseAddress!
      for index in 0..<count {
        let row = Int(rowsOfGroup[first + index])
        (gathered + index * dimension).update(from: vectors + row * dimension, count: dimension)
      }
      memberCentroids.withUnsafeBufferPointer { members in
        memberDistances.withUnsafeMutableBufferPointer { out in
          DistanceMetric.l2.distanceBlock(
            queries: gathered, queryCount: count,
            points: members.baseAddress! + memberStart * dimension, pointCount: memberCount,
            dimension: dimension, into: out.baseAddress!)
        }
      }
    }
    for index in 0..<count {
      let row = Int(rowsOfGroup[first + index])
      var best = distances[row]
      var bestCentroid = assignments[row]
      for member in 0..<memberCount {
        let distance = memberDistances[index * memberCount + member]
        let centroid = groups.members[memberStart + member]
        if distance < best || (distance == best && centroid < bestCentroid) {
          best = distance
          bestCentroid = centroid
        }
      }
      distances[row] = best
      assignments[row] = bestCentroid
    }
  }
}
