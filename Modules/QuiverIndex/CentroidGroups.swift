import QuiverKernels

/// The centroids of an IVF model clustered into about √k groups, so that a vector can be
/// assigned by comparing it with the group centroids first and then with the members of its
/// nearest groups only (a two-level coarse quantizer, as FAISS and Lance use for many
/// partitions). `PartitionAssigner` owns one when the model has many centroids.
struct CentroidGroups: Sendable {
  /// `count × dimension` group centroids (groups without members are left out).
  let centroids: [Float]
  /// The number of groups.
  let count: Int
  /// Floats per vector.
  let dimension: Int
  /// Group `g`'s members are `members[starts[g]..<starts[g + 1]]`.
  let starts: [Int]
  /// Centroid numbers, group by group, ascending within a group.
  let members: [Int32]
  /// The members' centroids in `members` order, row-major.
  let memberCentroids: [Float]
  /// The most members of one group.
  let largestGroup: Int

  /// Lloyd iterations of the k-means over the centroids.
  static let maximumIterations = 25

  /// Clusters `count` row-major `centroids` into `round(√count)` groups by k-means (squared L2,
  /// seeded by `seed`) and puts every centroid in the group of its nearest group centroid.
  ///
  /// - Complexity: O(iterations × count^1.5 × dimension), split over `threads`.
  init(centroids: [Float], count: Int, dimension: Int, seed: UInt64, threads: Int) {
    precondition(count >= 1 && centroids.count == count * dimension, "invalid centroids")
    let groupCount = max(1, Int(Double(count).squareRoot().rounded()))
    let clustering = centroids.withUnsafeBufferPointer { vectors in
      KMeans.train(
        vectors: vectors, count: count, dimension: dimension, k: groupCount,
        maxIterations: Self.maximumIterations, metric: .l2, seed: seed, threads: threads)
    }
    var nearest = [Int32](repeating: 0, count: count)
    var distances = [Float](repeating: 0, count: count)
    centroids.withUnsafeBufferPointer { vectors in
      clustering.centroids.withUnsafeBufferPointer { groups in
        KMeans.assign(
          vectors: vectors.baseAddress!, count: count, dimension: dimension,
          centroids: groups.baseAddress!, k: groupCount, metric: .l2, threads: threads,
          assignments: &nearest, distances: &distances)
      }
    }
    var kept: [Float] = []
    var starts = [0]
    var members: [Int32] = []
    var memberCentroids: [Float] = []
    members.reserveCapacity(count)
    memberCentroids.reserveCapacity(count * dimension)
    // Members group by group, each group's in ascending centroid order (a counting sort).
    var byGroup = [[Int32]](repeating: [], count: groupCount)
    for (centroid, group) in nearest.enumerated() { byGroup[Int(group)].append(Int32(centroid)) }
    for group in 0..<groupCount where !byGroup[group].isEmpty {
      kept.append(contentsOf: clustering.centroids[(group * dimension)..<((group + 1) * dimension)])
      for member in byGroup[group] {
        members.append(member)
        let row = Int(member) * dimension
        memberCentroids.append(contentsOf: centroids[row..<(row + dimension)])
      }
      starts.append(members.count)
    }
    self.centroids = kept
    self.count = starts.count - 1
    self.dimension = dimension
    self.starts = starts
    self.members = members
    self.memberCentroids = memberCentroids
    self.largestGroup = byGroup.map(\.count).max() ?? 0
  }
}
