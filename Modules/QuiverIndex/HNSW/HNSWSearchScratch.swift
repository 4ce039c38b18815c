/// Reusable working memory for graph walks: a visited set cleared in O(1) by a generation
/// counter, the candidate and result queues, and a buffer for copying a neighbour list.
///
/// One per thread: not `Sendable`. Reusing it across queries avoids every allocation in the
/// walk.
public final class HNSWSearchScratch {
  private var visitedTags: UnsafeMutablePointer<UInt16>
  private var visitedCapacity: Int
  private var generation: UInt16 = 0
  /// Candidates to expand, nearest first (complemented keys in a max-heap).
  var candidates = HNSWKeyHeap()
  /// The best nodes found, farthest on top.
  var results = HNSWKeyHeap()
  /// A copy of one neighbour list (count word + ids) taken under a node lock.
  let neighborBuffer: UnsafeMutablePointer<UInt32>
  /// Candidate keys for the neighbour heuristic.
  var selectionBuffer: [UInt64] = []
  /// Candidate keys for re-selecting a full list when a back-link is added.
  var linkBuffer: [UInt64] = []

  /// Creates scratch space for graphs of up to `nodeCount` nodes (it grows when needed).
  public init(nodeCount: Int = 0) {
    visitedCapacity = max(nodeCount, 1)
    visitedTags = .allocate(capacity: visitedCapacity)
    visitedTags.initialize(repeating: 0, count: visitedCapacity)
    neighborBuffer = .allocate(capacity: 2 * HNSWParameters.maximumM + 1)
  }

  deinit {
    visitedTags.deallocate()
    candidates.deallocate()
    results.deallocate()
    neighborBuffer.deallocate()
  }

  /// Starts a new walk over a graph of `nodeCount` nodes: every node becomes unvisited.
  /// Returns the visited set as a value, so the hot loop touches no class property.
  @inline(__always)
  @discardableResult
  func beginWalk(nodeCount: Int) -> HNSWVisitedMarks {
    if nodeCount > visitedCapacity {
      visitedTags.deallocate()
      visitedCapacity = nodeCount
      visitedTags = .allocate(capacity: nodeCount)
      visitedTags.initialize(repeating: 0, count: nodeCount)
      generation = 0
    }
    if generation == UInt16.max {
      visitedTags.update(repeating: 0, count: visitedCapacity)
      generation = 0
    }
    generation &+= 1
    candidates.removeAll()
    results.removeAll()
    return HNSWVisitedMarks(tags: visitedTags, generation: generation)
  }
}

/// The visited set of one walk: node `i` is visited when `tags[i] == generation`.
struct HNSWVisitedMarks {
  let tags: UnsafeMutablePointer<UInt16>
  let generation: UInt16

  /// Marks `node` visited; returns false when it already was.
  @inline(__always)
  func visit(_ node: Int) -> Bool {
    if tags[node] == generation { return false }
    tags[node] = generation
    return true
  }

  /// Marks the `count` nodes of `list` visited, copies those that were not to `pending` (which
  /// may be `list` itself: the copy never overtakes the reading) and starts loading what
  /// `distance` will read of them; returns how many were copied.
  @inline(__always)
  func takeUnvisited<Distance: HNSWQueryDistance>(
    _ list: UnsafePointer<UInt32>, count: Int, into pending: UnsafeMutablePointer<UInt32>,
    prefetchingFor distance: Distance
  ) -> Int {
    var pendingCount = 0
    for index in 0..<count {
      let neighbor = list[index]
      if visit(Int(neighbor)) {
        distance.prefetch(Int(neighbor))
        pending[pendingCount] = neighbor
        pendingCount &+= 1
      }
    }
    return pendingCount
  }
}
