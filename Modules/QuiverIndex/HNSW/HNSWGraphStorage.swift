/// The memory of one HNSW graph: flat arrays, no per-node objects.
///
/// Layout (node ids are `UInt32`, 0 ..< `nodeCount`):
/// - `levels[node]`: the node's top layer (0 = only on layer 0).
/// - `layer0`: `nodeCount` slots of `1 + 2·m` words: the neighbour count, then the neighbours.
/// - `upper`: for each node with level L > 0, L consecutive slots of `1 + m` words (layers
///   1 ... L); `upperStart[node]` is the index of its first slot (-1 when L = 0).
///
/// Only `HNSWGraph` and its builder touch it. It is written by the builder (which takes the
/// per-node locks of `HNSWNodeLocks` around every access of a list) and read-only afterwards.
final class HNSWGraphStorage: @unchecked Sendable {
  // @unchecked: the builder serialises writes to each neighbour list with that node's lock;
  // once built, the memory is never written again.
  let nodeCount: Int
  let m: Int
  let layer0Stride: Int
  let upperStride: Int
  let levels: UnsafeMutablePointer<UInt8>
  let upperStart: UnsafeMutablePointer<Int32>
  let layer0: UnsafeMutablePointer<UInt32>
  let upperSlotCount: Int
  let upper: UnsafeMutablePointer<UInt32>

  /// Allocates an empty graph (every list empty) for nodes with the given levels.
  init(m: Int, levels nodeLevels: [UInt8]) {
    self.nodeCount = nodeLevels.count
    self.m = m
    layer0Stride = 1 + 2 * m
    upperStride = 1 + m
    levels = .allocate(capacity: max(nodeCount, 1))
    upperStart = .allocate(capacity: max(nodeCount, 1))
    var slots = 0
    for node in 0..<nodeCount {
      let level = Int(nodeLevels[node])
      levels[node] = nodeLevels[node]
      upperStart[node] = level > 0 ? Int32(slots) : -1
      slots += level
    }
    upperSlotCount = slots
    layer0 = .allocate(capacity: max(nodeCount * layer0Stride, 1))
    layer0.initialize(repeating: 0, count: max(nodeCount * layer0Stride, 1))
    upper = .allocate(capacity: max(slots * upperStride, 1))
    upper.initialize(repeating: 0, count: max(slots * upperStride, 1))
  }

  deinit {
    levels.deallocate()
    upperStart.deallocate()
    layer0.deallocate()
    upper.deallocate()
  }

  /// The list of `node` on `layer`: its first word is the count, then up to capacity ids.
  @inline(__always)
  func list(_ node: Int, layer: Int) -> UnsafeMutablePointer<UInt32> {
    if layer == 0 { return layer0 + node &* layer0Stride }
    return upper + (Int(upperStart[node]) &+ layer &- 1) &* upperStride
  }

  /// How many neighbours a list on `layer` may hold.
  @inline(__always)
  func capacity(layer: Int) -> Int { layer == 0 ? 2 * m : m }

  /// Bytes held by the neighbour lists and levels.
  var byteCount: Int {
    nodeCount * (1 + 4) + (nodeCount * layer0Stride + upperSlotCount * upperStride) * 4
  }
}
