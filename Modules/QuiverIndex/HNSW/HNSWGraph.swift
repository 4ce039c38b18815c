import QuiverKernels

/// A built hierarchical navigable small-world graph over nodes 0 ..< `nodeCount`: layers of
/// neighbour lists (`m` a node on the upper layers, `2·m` on layer 0) and an entry point on the
/// top layer. Immutable and `Sendable`: any number of threads may search it at once, each with
/// its own `HNSWSearchScratch`.
///
/// The graph knows nothing of vectors: searches are given an `HNSWQueryDistance` that computes
/// the distance from the query to a node (over floats, SQ codes or PQ codes). Layout in memory:
/// `HNSWGraphStorage`; on disk: Docs/Format.md, "HNSW graphs".
public struct HNSWGraph: Sendable {
  let storage: HNSWGraphStorage
  /// The node the walk starts from (on the top layer), or -1 for an empty graph.
  public let entryPoint: Int
  /// The top layer's number (0 when every node is on layer 0 only).
  public let maxLevel: Int

  init(storage: HNSWGraphStorage, entryPoint: Int, maxLevel: Int) {
    self.storage = storage
    self.entryPoint = entryPoint
    self.maxLevel = maxLevel
  }

  /// The number of nodes.
  public var nodeCount: Int { storage.nodeCount }
  /// Neighbours a node keeps on the upper layers (twice as many on layer 0).
  public var m: Int { storage.m }
  /// Bytes of neighbour lists and levels held in memory.
  public var byteCount: Int { storage.byteCount }

  /// The top layer of `node`.
  public func level(of node: Int) -> Int {
    precondition(node >= 0 && node < nodeCount, "node \(node) out of 0..<\(nodeCount)")
    return Int(storage.levels[node])
  }

  /// The neighbours of `node` on `layer` (empty above the node's level).
  public func neighbors(of node: Int, layer: Int) -> [Int] {
    precondition(node >= 0 && node < nodeCount, "node \(node) out of 0..<\(nodeCount)")
    guard layer >= 0, layer <= Int(storage.levels[node]) else { return [] }
    let list = storage.list(node, layer: layer)
    return (0..<Int(list[0])).map { Int(list[1 + $0]) }
  }

  // MARK: Search

  /// The `k` nearest allowed nodes to the query, nearest first (`Neighbor.id` is the node).
  ///
  /// - Parameters:
  ///   - distance: the distance from the query to any node.
  ///   - k: how many nodes to return (fewer if fewer are allowed or reachable).
  ///   - ef: the width of the layer-0 candidate list; raised to `k` when smaller.
  ///   - filter: which nodes may be returned; the walk still passes through the others.
  ///   - scratch: per-thread working memory.
  /// - Complexity: about O(ef · log n) distance computations.
  package func search<Distance: HNSWQueryDistance, Filter: HNSWNodeFilter>(
    distance: Distance, k: Int, ef: Int, filter: Filter, scratch: HNSWSearchScratch
  ) -> [Neighbor] {
    guard k > 0, entryPoint >= 0 else { return [] }
    let width = max(ef, k)
    var current = entryPoint
    var currentDistance = distance.distance(to: current)
    if maxLevel > 0 {
      for layer in stride(from: maxLevel, to: 0, by: -1) {
        greedyDescent(
          distance: distance, layer: layer, current: &current, currentDistance: &currentDistance)
      }
    }
    searchLayer0(
      distance: distance, from: current, distanceOfStart: currentDistance, width: width,
      filter: filter, scratch: scratch)
    return HNSWGraph.drainResults(scratch: scratch, k: k)
  }

  /// Moves `current` to the nearest node reachable by greedy steps on `layer`.
  @inline(__always)
  func greedyDescent<Distance: HNSWQueryDistance>(
    distance: Distance, layer: Int, current: inout Int, currentDistance: inout Float
  ) {
    var changed = true
    while changed {
      changed = false
      let list = storage.list(current, layer: layer)
      let count = Int(list[0])
      for index in 0..<count {
        let candidate = Int(list[1 &+ index])
        let candidateDistance = distance.distance(to: candidate)
        if candidateDistance < currentDistance {
          currentDistance = candidateDistance
          current = candidate
          changed = true
        }
      }
    }
  }

  /// The beam search on layer 0; leaves up to `width` allowed nodes in `scratch.results`.
  ///
  /// For each expanded node, its unvisited neighbours are collected and their vectors
  /// prefetched first, then their distances computed, so that the cache misses overlap. The
  /// queues are local copies (written back at the end): no exclusivity checks in the loop.
  @inline(__always)
  func searchLayer0<Distance: HNSWQueryDistance, Filter: HNSWNodeFilter>(
    distance: Distance, from start: Int, distanceOfStart: Float, width: Int, filter: Filter,
    scratch: HNSWSearchScratch
  ) {
    let layer0 = storage.layer0
    let stride = storage.layer0Stride
    let marks = scratch.beginWalk(nodeCount: nodeCount)
    let pending = scratch.neighborBuffer
    var candidates = scratch.candidates
    var results = scratch.results
    defer {
      scratch.candidates = candidates
      scratch.results = results
    }
    _ = marks.visit(start)
    candidates.push(~HNSWKey.make(distanceOfStart, UInt32(start)))
    var bound = Float.infinity
    if filter.allows(start) {
      results.push(HNSWKey.make(distanceOfStart, UInt32(start)))
      bound = distanceOfStart
    }
    let unfiltered = filter.allowsAll
    while !candidates.isEmpty {
      let key = ~candidates.top
      let candidateDistance = HNSWKey.distance(key)
      if candidateDistance > bound && (unfiltered || results.count >= width) { break }
      _ = candidates.pop()
      let list = layer0 + Int(HNSWKey.node(key)) &* stride
      let pendingCount = marks.takeUnvisited(
        list + 1, count: Int(list[0]), into: pending, prefetchingFor: distance)
      for index in 0..<pendingCount {
        let neighbor = pending[index]
        let neighborDistance = distance.distance(to: Int(neighbor))
        if results.count < width || neighborDistance < bound {
          let neighborKey = HNSWKey.make(neighborDistance, neighbor)
          candidates.push(~neighborKey)
          if unfiltered || filter.allows(Int(neighbor)) {
            if results.count < width {
              results.push(neighborKey)
            } else {
              results.replaceTop(neighborKey)
            }
            bound = HNSWKey.distance(results.top)
          }
        }
      }
    }
  }

  /// The `k` nearest of `scratch.results`, nearest first.
  static func drainResults(scratch: HNSWSearchScratch, k: Int) -> [Neighbor] {
    while scratch.results.count > k { _ = scratch.results.pop() }
    let count = scratch.results.count
    return [Neighbor](unsafeUninitializedCapacity: count) { buffer, initialized in
      for index in stride(from: count - 1, through: 0, by: -1) {
        let key = scratch.results.pop()
        buffer[index] = Neighbor(id: UInt64(HNSWKey.node(key)), distance: HNSWKey.distance(key))
      }
      initialized = count
    }
  }
}
