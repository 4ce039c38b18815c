import Foundation

extension HNSWGraphBuilder {
  /// A copy of `graph` with the nodes `graph.nodeCount ..< space.count` inserted by the
  /// builder's own insertion (the same descent, beam and neighbour heuristic as a build);
  /// `space`'s first nodes are `graph`'s, in order. The copy keeps every existing list, so the
  /// result is what a build that had inserted the old nodes first would have made. New nodes
  /// draw the levels a build of `space.count` nodes draws for their positions.
  ///
  /// - Throws: `IndexError.invalidArgument` for bad parameters or more than 2³² − 1 nodes.
  /// - Complexity: about O(new nodes · efConstruction · log n) distance computations, plus a
  ///   copy of the existing lists.
  package static func extending<Space: HNSWBuildSpace>(
    _ graph: HNSWGraph, space: Space, parameters: HNSWParameters
  ) throws(IndexError) -> HNSWGraph {
    try parameters.validate()
    precondition(space.count >= graph.nodeCount, "the space must hold the graph's nodes")
    precondition(parameters.m == graph.m, "a graph is extended with its own m")
    guard space.count < Int(UInt32.max) else {
      throw IndexError(
        .invalidArgument, "HNSW graph of \(space.count) nodes: at most \(UInt32.max - 1) allowed")
    }
    let existing = graph.nodeCount
    let old = graph.storage
    var levels = Array(UnsafeBufferPointer(start: old.levels, count: existing))
    levels += drawLevels(count: space.count, parameters: parameters)[existing...]
    let insertion = HNSWInsertion(space: space, parameters: parameters, levels: levels)
    // Node order fixes slot order, so the old nodes' lists sit at the same offsets.
    let storage = insertion.storage
    storage.layer0.update(from: old.layer0, count: existing * old.layer0Stride)
    storage.upper.update(from: old.upper, count: old.upperSlotCount * old.upperStride)
    insertion.entryPoint = graph.entryPoint
    insertion.maxLevel = graph.maxLevel
    insertion.insert(
      nodes: existing..<space.count,
      threadCount: parameters.threadCount ?? ProcessInfo.processInfo.activeProcessorCount)
    return HNSWGraph(
      storage: storage, entryPoint: insertion.entryPoint, maxLevel: insertion.maxLevel)
  }

  /// A copy of `graph` without the nodes `keep` marks false, the kept ones renumbered in order
  /// (`space` holds them in that numbering). Links to removed nodes are dropped; the entry point
  /// moves to the highest kept node when it was removed; then every node layer 0 no longer
  /// reaches from the entry point is relinked, as after a build.
  package static func removing<Space: HNSWBuildSpace>(
    from graph: HNSWGraph, keeping keep: [Bool], space: Space, parameters: HNSWParameters
  ) throws(IndexError) -> HNSWGraph {
    try parameters.validate()
    precondition(keep.count == graph.nodeCount, "one flag per node")
    precondition(parameters.m == graph.m, "a graph is rebuilt with its own m")
    let old = graph.storage
    var renumbered = [Int32](repeating: -1, count: graph.nodeCount)
    var levels: [UInt8] = []
    for node in 0..<graph.nodeCount where keep[node] {
      renumbered[node] = Int32(levels.count)
      levels.append(old.levels[node])
    }
    precondition(levels.count == space.count, "the space must hold the kept nodes")
    let insertion = HNSWInsertion(
      space: space, parameters: parameters, levels: levels, insertsNodes: false)
    let storage = insertion.storage
    for node in 0..<graph.nodeCount where keep[node] {
      let newNode = Int(renumbered[node])
      for layer in 0...Int(old.levels[node]) {
        let source = old.list(node, layer: layer)
        let target = storage.list(newNode, layer: layer)
        var kept: UInt32 = 0
        for index in 0..<Int(source[0]) {
          let neighbor = renumbered[Int(source[1 + index])]
          guard neighbor >= 0 else { continue }
          target[1 + Int(kept)] = UInt32(neighbor)
          kept += 1
        }
        target[0] = kept
      }
    }
    if graph.entryPoint >= 0, keep[graph.entryPoint] {
      insertion.entryPoint = Int(renumbered[graph.entryPoint])
      insertion.maxLevel = graph.maxLevel
    } else if let highest = levels.indices.max(by: { levels[$0] < levels[$1] }) {
      insertion.entryPoint = highest
      insertion.maxLevel = Int(levels[highest])
    }
    insertion.connectUnreachableNodes(scratch: HNSWSearchScratch(nodeCount: levels.count))
    return HNSWGraph(
      storage: storage, entryPoint: insertion.entryPoint, maxLevel: insertion.maxLevel)
  }
}

extension HNSWInsertion {
  /// Inserts `nodes` (the last nodes of the storage) into the graph the storage already holds,
  /// on up to `threadCount` threads, then relinks unreachable nodes.
  func insert(nodes: Range<Int>, threadCount: Int) {
    guard !nodes.isEmpty else { return }
    let count = storage.nodeCount
    var first = nodes.lowerBound
    if entryPoint < 0 {
      // An empty graph: the first node becomes the entry point alone, as in a build.
      insert(first, scratch: HNSWSearchScratch(nodeCount: count))
      first += 1
    }
    let workers = max(1, min(threadCount, (nodes.upperBound - first) / 64))
    if workers == 1 {
      let scratch = HNSWSearchScratch(nodeCount: count)
      for node in first..<nodes.upperBound { insert(node, scratch: scratch) }
    } else {
      nextNode = first
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        let scratch = HNSWSearchScratch(nodeCount: count)
        while let range = claimNodes(32, before: nodes.upperBound) {
          for node in range { insert(node, scratch: scratch) }
        }
      }
    }
    connectUnreachableNodes(scratch: HNSWSearchScratch(nodeCount: count))
  }

  /// The next `count` unclaimed nodes below `end`, or nil when none are left.
  private func claimNodes(_ count: Int, before end: Int) -> Range<Int>? {
    locks.lockWorkQueue()
    defer { locks.unlockWorkQueue() }
    guard nextNode < end else { return nil }
    let start = nextNode
    nextNode = min(end, start + count)
    return start..<nextNode
  }
}
