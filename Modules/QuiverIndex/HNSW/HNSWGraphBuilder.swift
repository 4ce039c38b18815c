import Foundation
import QuiverKernels

/// Builds an `HNSWGraph` by inserting every node of a build space, on several threads at once.
///
/// Insertion follows Malkov & Yashunin: a node draws its level from a geometric distribution
/// (multiplier 1 / ln m), descends greedily from the entry point to its level, then on each of
/// its layers collects `efConstruction` candidates, keeps up to `m` by the neighbour-selection
/// heuristic (a candidate is kept only if it is closer to the new node than to every neighbour
/// kept so far) and links back. A back-link is appended without the heuristic while the
/// neighbour's list has room (2·m on layer 0, m above); a neighbour whose list is full
/// re-selects its list plus the newcomer with the same heuristic. Every list is therefore a
/// heuristic selection, nearest first, followed by the back-links appended since (the invariant
/// HNSWGraphInvariantTests checks). Threads lock one node at a time around reading or writing
/// its lists.
///
/// When the space offers byte codes (`HNSWBuildSpace.makeBuildCodes`, a quarter of the bytes of
/// float rows), the descent and the `efConstruction` walk read codes, and the walk's results are
/// re-ranked with exact distances before the selection: the selection and every list stay those
/// of exact distances, while the walk, which made the build wait on memory, reads less.
package enum HNSWGraphBuilder {
  /// Builds the graph of every node of `space`.
  ///
  /// - Throws: `IndexError.invalidArgument` for bad parameters or more than 2³² − 1 nodes.
  /// - Complexity: about O(n · efConstruction · log n) distance computations.
  package static func build<Space: HNSWBuildSpace>(
    space: Space, parameters: HNSWParameters
  ) throws(IndexError) -> HNSWGraph {
    try parameters.validate()
    guard space.count < Int(UInt32.max) else {
      throw IndexError(
        .invalidArgument, "HNSW graph of \(space.count) nodes: at most \(UInt32.max - 1) allowed")
    }
    let levels = drawLevels(count: space.count, parameters: parameters)
    let insertion = HNSWInsertion(space: space, parameters: parameters, levels: levels)
    insertion.insertAll(
      threadCount: parameters.threadCount ?? ProcessInfo.processInfo.activeProcessorCount)
    return HNSWGraph(
      storage: insertion.storage, entryPoint: insertion.entryPoint, maxLevel: insertion.maxLevel)
  }

  /// The level of each node: ⌊−ln(u) / ln(m)⌋ for u uniform in (0, 1], from a SplitMix64
  /// stream seeded with `parameters.seed` (capped at 31).
  static func drawLevels(count: Int, parameters: HNSWParameters) -> [UInt8] {
    var random = SeededRandom(seed: parameters.seed)
    let multiplier = parameters.levelMultiplier
    return (0..<count).map { _ in
      let z = random.next()
      let uniform = (Double(z >> 11) + 1) / 9_007_199_254_740_992.0  // (0, 1]
      return UInt8(min(31, Int(-log(uniform) * multiplier)))
    }
  }
}

/// The state of one build: the storage being filled, the node locks, the entry point.
final class HNSWInsertion<Space: HNSWBuildSpace>: @unchecked Sendable {
  // @unchecked: `entryPoint` and `maxLevel` are read and written under the entry-point lock,
  // `nextNode` under the work-queue lock, neighbour lists under their node's lock.
  let space: Space
  let storage: HNSWGraphStorage
  let locks: HNSWNodeLocks
  /// Byte codes the beam search reads instead of the space's vectors (nil: it reads those).
  let codes: HNSWBuildCodes?
  /// The distance of each listed neighbour to its list's node, slot for slot as the lists of
  /// `storage` (word 0 of a slot unused), so that a full list is re-selected without
  /// recomputing its distances. Written and read under the node's lock, as its list. NaN where
  /// a list was copied in without its distances (an extended or pruned graph's old lists):
  /// `link` computes those when it first needs them.
  let layer0Distances: UnsafeMutablePointer<Float>
  let upperDistances: UnsafeMutablePointer<Float>
  let m: Int
  let efConstruction: Int
  var entryPoint = -1
  var maxLevel = 0
  var nextNode = 0

  /// - Parameter insertsNodes: whether nodes will be inserted (so the space's byte codes are
  ///   worth making); false when the graph is only repaired (`connectUnreachableNodes`).
  init(space: Space, parameters: HNSWParameters, levels: [UInt8], insertsNodes: Bool = true) {
    self.space = space
    storage = HNSWGraphStorage(m: parameters.m, levels: levels)
    locks = HNSWNodeLocks(count: levels.count)
    codes = insertsNodes ? space.makeBuildCodes() : nil
    let layer0Count = max(storage.nodeCount * storage.layer0Stride, 1)
    let upperCount = max(storage.upperSlotCount * storage.upperStride, 1)
    layer0Distances = .allocate(capacity: layer0Count)
    layer0Distances.initialize(repeating: .nan, count: layer0Count)
    upperDistances = .allocate(capacity: upperCount)
    upperDistances.initialize(repeating: .nan, count: upperCount)
    m = parameters.m
    efConstruction = parameters.efConstruction
  }

  deinit {
    layer0Distances.deallocate()
    upperDistances.deallocate()
  }

  /// The distances of `node`'s list on `layer`: entry `1 + i` is that of the list's `1 + i`.
  @inline(__always)
  func distances(_ node: Int, layer: Int) -> UnsafeMutablePointer<Float> {
    if layer == 0 { return layer0Distances + node &* storage.layer0Stride }
    return upperDistances
      + (Int(storage.upperStart[node]) &+ layer &- 1) &* storage.upperStride
  }

  /// Inserts nodes 0 ..< count in order of claim; node 0 first, alone.
  func insertAll(threadCount: Int) {
    let count = storage.nodeCount
    guard count > 0 else { return }
    let workers = max(1, min(threadCount, count / 64))
    let scratch = HNSWSearchScratch(nodeCount: count)
    if workers == 1 {
      for node in 0..<count { insert(node, scratch: scratch) }
    } else {
      insert(0, scratch: scratch)
      nextNode = 1
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        let scratch = HNSWSearchScratch(nodeCount: count)
        while let range = claim(count: 32, total: count) {
          for node in range { insert(node, scratch: scratch) }
        }
      }
    }
    connectUnreachableNodes(scratch: scratch)
  }

  /// Links every node that layer 0 cannot reach from the entry point (re-selections by the
  /// heuristic can drop a node's last incoming link) to the nearest reachable node with room in
  /// its list, found by a walk from the entry point. Rare, and single-threaded.
  func connectUnreachableNodes(scratch: HNSWSearchScratch) {
    let count = storage.nodeCount
    guard count > 1, entryPoint >= 0 else { return }
    var reached = [Bool](repeating: false, count: count)
    var stack: [Int] = []
    func spread(from node: Int) {
      reached[node] = true
      stack.append(node)
      while let current = stack.popLast() {
        let list = storage.list(current, layer: 0)
        for index in 0..<Int(list[0]) {
          let neighbor = Int(list[1 + index])
          if !reached[neighbor] {
            reached[neighbor] = true
            stack.append(neighbor)
          }
        }
      }
    }
    spread(from: entryPoint)
    for node in 0..<count where !reached[node] {
      let distance = space.queryDistance(forNode: node)
      searchLayer(
        distance: distance, from: entryPoint, distanceOfStart: distance.distance(to: entryPoint),
        layer: 0, scratch: scratch)
      var found: [UInt64] = []
      while !scratch.results.isEmpty { found.append(scratch.results.pop()) }
      found.reverse()
      let capacity = storage.capacity(layer: 0)
      var target = -1
      for key in found where Int(HNSWKey.node(key)) != node && reached[Int(HNSWKey.node(key))] {
        let candidate = Int(HNSWKey.node(key))
        if Int(storage.list(candidate, layer: 0)[0]) < capacity {
          target = candidate
          break
        }
      }
      if target < 0 {
        // Every candidate is full: the nearest one gives up its last (farthest-kept) link.
        guard let nearest = found.first(where: { Int(HNSWKey.node($0)) != node }) else {
          continue
        }
        target = Int(HNSWKey.node(nearest))
        let list = storage.list(target, layer: 0)
        list[0] -= 1
      }
      let list = storage.list(target, layer: 0)
      list[1 + Int(list[0])] = UInt32(node)
      distances(target, layer: 0)[1 + Int(list[0])] = space.distance(between: target, and: node)
      list[0] += 1
      spread(from: node)
    }
  }

  private func claim(count: Int, total: Int) -> Range<Int>? {
    locks.lockWorkQueue()
    defer { locks.unlockWorkQueue() }
    guard nextNode < total else { return nil }
    let start = nextNode
    nextNode = min(total, start + count)
    return start..<nextNode
  }

  /// Inserts one node and links it on every layer up to its level.
  func insert(_ node: Int, scratch: HNSWSearchScratch) {
    let level = Int(storage.levels[node])
    locks.lockEntryPoint()
    let start = entryPoint
    let top = maxLevel
    // A node that raises the top level keeps the entry lock for its whole insertion, so that
    // two such nodes never race (they are rare: about n / m^level).
    let raisesTop = level > top || start < 0
    if !raisesTop { locks.unlockEntryPoint() }
    defer {
      if raisesTop {
        entryPoint = node
        maxLevel = max(level, start < 0 ? level : top)
        locks.unlockEntryPoint()
      }
    }
    guard start >= 0 else { return }
    let exact = space.queryDistance(forNode: node)
    if let codes {
      findAndLink(
        node, level: level, start: start, top: top, beam: codes.queryDistance(forNode: node),
        exact: exact, rerank: true, scratch: scratch)
    } else {
      findAndLink(
        node, level: level, start: start, top: top, beam: exact, exact: exact, rerank: false,
        scratch: scratch)
    }
  }

  /// Finds `node`'s neighbours on each of its layers with a walk over `beam` distances from
  /// `start` (on layer `top`), selects them by exact distances and links both ways.
  ///
  /// - Parameter rerank: whether `beam` differs from `exact`, so that the walk's results must be
  ///   re-ranked with exact distances before the selection.
  @inline(__always)
  private func findAndLink<Beam: HNSWQueryDistance>(
    _ node: Int, level: Int, start: Int, top: Int, beam: Beam, exact: Space.QueryDistance,
    rerank: Bool, scratch: HNSWSearchScratch
  ) {
    var current = start
    var currentDistance = beam.distance(to: current)
    if top > level {
      for layer in stride(from: top, to: level, by: -1) {
        greedyDescent(
          distance: beam, layer: layer, current: &current, currentDistance: &currentDistance)
      }
    }
    for layer in stride(from: min(top, level), through: 0, by: -1) {
      searchLayer(
        distance: beam, from: current, distanceOfStart: currentDistance, layer: layer,
        scratch: scratch)
      // Candidates nearest first, by exact distance.
      var candidates = scratch.selectionBuffer
      scratch.selectionBuffer = []
      candidates.removeAll(keepingCapacity: true)
      if rerank {
        while !scratch.results.isEmpty {
          let found = HNSWKey.node(scratch.results.pop())
          candidates.append(HNSWKey.make(exact.distance(to: Int(found)), found))
        }
        candidates.sort()
        current = Int(HNSWKey.node(candidates[0]))
        currentDistance = beam.distance(to: current)
      } else {
        while !scratch.results.isEmpty { candidates.append(scratch.results.pop()) }
        candidates.reverse()
        current = Int(HNSWKey.node(candidates[0]))
        currentDistance = HNSWKey.distance(candidates[0])
      }
      let kept = selectNeighbors(of: node, candidates: &candidates, limit: m)
      locks.lock(node)
      let list = storage.list(node, layer: layer)
      let listDistances = distances(node, layer: layer)
      list[0] = UInt32(kept)
      for index in 0..<kept {
        list[1 + index] = HNSWKey.node(candidates[index])
        listDistances[1 + index] = HNSWKey.distance(candidates[index])
      }
      locks.unlock(node)
      for index in 0..<kept {
        link(Int(HNSWKey.node(candidates[index])), to: node, layer: layer,
          distance: HNSWKey.distance(candidates[index]), scratch: scratch)
      }
      scratch.selectionBuffer = candidates
    }
  }

  /// Keeps at most `limit` of the sorted `candidates` by the heuristic, moving the kept ones to
  /// the front in order; returns how many were kept.
  private func selectNeighbors(of node: Int, candidates: inout [UInt64], limit: Int) -> Int {
    var kept = 0
    for index in 0..<candidates.count {
      if kept == limit { break }
      let candidateKey = candidates[index]
      let candidate = Int(HNSWKey.node(candidateKey))
      if candidate == node { continue }
      let candidateDistance = HNSWKey.distance(candidateKey)
      var good = true
      for keptIndex in 0..<kept {
        let other = Int(HNSWKey.node(candidates[keptIndex]))
        if space.distance(between: candidate, and: other) < candidateDistance {
          good = false
          break
        }
      }
      if good {
        candidates[kept] = candidateKey
        kept += 1
      }
    }
    return kept
  }

  /// Adds `newNode` (at `distance`) to `node`'s list on `layer`, re-selecting the list when it
  /// is full.
  private func link(
    _ node: Int, to newNode: Int, layer: Int, distance: Float, scratch: HNSWSearchScratch
  ) {
    let capacity = storage.capacity(layer: layer)
    locks.lock(node)
    defer { locks.unlock(node) }
    let list = storage.list(node, layer: layer)
    let listDistances = distances(node, layer: layer)
    let count = Int(list[0])
    for index in 0..<count where Int(list[1 + index]) == newNode { return }
    if count < capacity {
      list[1 + count] = UInt32(newNode)
      listDistances[1 + count] = distance
      list[0] = UInt32(count + 1)
      return
    }
    var candidates = scratch.linkBuffer
    candidates.removeAll(keepingCapacity: true)
    candidates.append(HNSWKey.make(distance, UInt32(newNode)))
    for index in 0..<count {
      let neighbor = list[1 + index]
      var stored = listDistances[1 + index]
      if stored.isNaN { stored = space.distance(between: node, and: Int(neighbor)) }
      candidates.append(HNSWKey.make(stored, neighbor))
    }
    candidates.sort()
    let kept = selectNeighbors(of: node, candidates: &candidates, limit: capacity)
    list[0] = UInt32(kept)
    for index in 0..<kept {
      list[1 + index] = HNSWKey.node(candidates[index])
      listDistances[1 + index] = HNSWKey.distance(candidates[index])
    }
    scratch.linkBuffer = candidates
  }

  /// Copies `node`'s list on `layer` into the scratch buffer under the node's lock.
  @inline(__always)
  private func copyList(_ node: Int, layer: Int, into buffer: UnsafeMutablePointer<UInt32>)
    -> Int
  {
    locks.lock(node)
    let list = storage.list(node, layer: layer)
    let count = Int(list[0])
    for index in 0..<count { buffer[index] = list[1 &+ index] }
    locks.unlock(node)
    return count
  }

  private func greedyDescent<Distance: HNSWQueryDistance>(
    distance: Distance, layer: Int, current: inout Int, currentDistance: inout Float
  ) {
    let buffer = UnsafeMutablePointer<UInt32>.allocate(capacity: m + 1)
    defer { buffer.deallocate() }
    var changed = true
    while changed {
      changed = false
      let count = copyList(current, layer: layer, into: buffer)
      for index in 0..<count {
        let candidate = Int(buffer[index])
        let candidateDistance = distance.distance(to: candidate)
        if candidateDistance < currentDistance {
          currentDistance = candidateDistance
          current = candidate
          changed = true
        }
      }
    }
  }

  /// The beam search of width `efConstruction` on `layer`; leaves the found nodes in
  /// `scratch.results`. Neighbour lists are copied under their node's lock; unvisited
  /// neighbours are prefetched before their distances are computed.
  private func searchLayer<Distance: HNSWQueryDistance>(
    distance: Distance, from start: Int, distanceOfStart: Float, layer: Int,
    scratch: HNSWSearchScratch
  ) {
    let marks = scratch.beginWalk(nodeCount: storage.nodeCount)
    let buffer = scratch.neighborBuffer
    var candidates = scratch.candidates
    var results = scratch.results
    defer {
      scratch.candidates = candidates
      scratch.results = results
    }
    let width = efConstruction
    _ = marks.visit(start)
    let startKey = HNSWKey.make(distanceOfStart, UInt32(start))
    candidates.push(~startKey)
    results.push(startKey)
    var bound = distanceOfStart
    while !candidates.isEmpty {
      let key = ~candidates.top
      if HNSWKey.distance(key) > bound && results.count >= width { break }
      _ = candidates.pop()
      let count = copyList(Int(HNSWKey.node(key)), layer: layer, into: buffer)
      let pendingCount = marks.takeUnvisited(
        buffer, count: count, into: buffer, prefetchingFor: distance)
      for index in 0..<pendingCount {
        let neighbor = buffer[index]
        let neighborDistance = distance.distance(to: Int(neighbor))
        if results.count < width || neighborDistance < bound {
          let neighborKey = HNSWKey.make(neighborDistance, neighbor)
          candidates.push(~neighborKey)
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
