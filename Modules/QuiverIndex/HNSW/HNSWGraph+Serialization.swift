import QuiverKernels

/// The on-disk form of one graph (Docs/Format.md, "HNSW graph block"): a fixed little-endian
/// header, the levels, the layer-0 lists, the upper-layer lists, and a CRC-32C of everything
/// before it. Lists are stored exactly as in memory, so loading is a checked copy.
extension HNSWGraph {
  /// "QVHG" little-endian.
  static let blockMagic: UInt32 = 0x4748_5651
  /// The block format version this code writes and reads.
  static let blockVersion: UInt32 = 1
  static let headerSize = 32

  /// The graph as bytes (see `init(bytes:)`).
  /// - Complexity: O(size of the graph).
  public func serialized() -> [UInt8] {
    let storage = self.storage
    let levelBytes = (storage.nodeCount + 3) & ~3
    let layer0Words = storage.nodeCount * storage.layer0Stride
    let upperWords = storage.upperSlotCount * storage.upperStride
    let total = HNSWGraph.headerSize + levelBytes + 4 * (layer0Words + upperWords) + 4
    var bytes = [UInt8](repeating: 0, count: total)
    bytes.withUnsafeMutableBytes { raw in
      let header: [UInt32] = [
        HNSWGraph.blockMagic, HNSWGraph.blockVersion, UInt32(storage.m),
        UInt32(storage.nodeCount), UInt32(maxLevel), UInt32(bitPattern: Int32(entryPoint)),
        UInt32(storage.upperSlotCount), 0,
      ]
      for (index, word) in header.enumerated() {
        raw.storeBytes(of: word.littleEndian, toByteOffset: 4 * index, as: UInt32.self)
      }
      var offset = HNSWGraph.headerSize
      if storage.nodeCount > 0 {
        (raw.baseAddress! + offset).copyMemory(from: storage.levels, byteCount: storage.nodeCount)
      }
      offset += levelBytes
      HNSWGraph.storeLists(
        storage.layer0, slots: storage.nodeCount, stride: storage.layer0Stride, into: raw,
        at: offset)
      offset += 4 * layer0Words
      HNSWGraph.storeLists(
        storage.upper, slots: storage.upperSlotCount, stride: storage.upperStride, into: raw,
        at: offset)
      offset += 4 * upperWords
      let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<offset]))
      raw.storeBytes(of: crc.littleEndian, toByteOffset: offset, as: UInt32.self)
    }
    return bytes
  }

  /// Stores `slots` lists of `stride` words; the words past each list's count are written as
  /// zeros (in memory they may hold ids dropped by a re-selection), so that equal graphs have
  /// equal bytes.
  private static func storeLists(
    _ words: UnsafePointer<UInt32>, slots: Int, stride: Int,
    into raw: UnsafeMutableRawBufferPointer, at offset: Int
  ) {
    for slot in 0..<slots {
      let list = words + slot * stride
      let count = Int(list[0])
      for index in 0...count {
        raw.storeBytes(
          of: list[index].littleEndian, toByteOffset: offset + 4 * (slot * stride + index),
          as: UInt32.self)
      }
    }
  }

  /// Reads a graph written by `serialized()`, checking everything before using it.
  ///
  /// - Parameters:
  ///   - context: names the file and partition in error messages.
  ///   - bytes: The serialized bytes.
  /// - Throws: `IndexError.corruptFile` for a bad magic, length, checksum, level, count or
  ///   neighbour id; `.unsupportedVersion` for a newer block version.
  /// - Complexity: O(bytes.count).
  public init(bytes: UnsafeRawBufferPointer, context: String = "HNSW graph") throws(IndexError) {
    func corrupt(_ what: String) -> IndexError { IndexError(.corruptFile, "\(context): \(what)") }
    guard bytes.count >= HNSWGraph.headerSize + 4 else {
      throw corrupt("graph block of \(bytes.count) bytes is shorter than its header")
    }
    func word(_ index: Int) -> UInt32 {
      UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
    }
    guard word(0) == HNSWGraph.blockMagic else { throw corrupt("bad graph block magic") }
    guard word(1) <= HNSWGraph.blockVersion else {
      throw IndexError(
        .unsupportedVersion, "\(context): graph block version \(word(1)) is newer than 1")
    }
    let m = Int(word(2))
    let nodeCount = Int(word(3))
    let maxLevel = Int(word(4))
    let entryPoint = Int(Int32(bitPattern: word(5)))
    let upperSlotCount = Int(word(6))
    guard m >= 2, m <= HNSWParameters.maximumM, maxLevel <= 31,
      nodeCount < Int(UInt32.max), upperSlotCount <= nodeCount * 31
    else { throw corrupt("bad graph header (m \(m), \(nodeCount) nodes, top level \(maxLevel))") }
    let levelBytes = (nodeCount + 3) & ~3
    let layer0Words = nodeCount * (1 + 2 * m)
    let upperWords = upperSlotCount * (1 + m)
    let expected = HNSWGraph.headerSize + levelBytes + 4 * (layer0Words + upperWords) + 4
    guard bytes.count == expected else {
      throw corrupt("graph block has \(bytes.count) bytes, its header says \(expected)")
    }
    let stored = UInt32(
      littleEndian: bytes.loadUnaligned(fromByteOffset: expected - 4, as: UInt32.self))
    guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(expected - 4)])) == stored
    else { throw corrupt("graph block checksum mismatch") }
    var levels = [UInt8](repeating: 0, count: nodeCount)
    var slots = 0
    for node in 0..<nodeCount {
      let level = bytes[HNSWGraph.headerSize + node]
      guard Int(level) <= maxLevel else { throw corrupt("node \(node) above the top level") }
      levels[node] = level
      slots += Int(level)
    }
    guard slots == upperSlotCount else { throw corrupt("upper-layer slot count mismatch") }
    if nodeCount == 0 {
      guard entryPoint == -1 else { throw corrupt("entry point in an empty graph") }
    } else {
      guard entryPoint >= 0, entryPoint < nodeCount, Int(levels[entryPoint]) == maxLevel else {
        throw corrupt("entry point \(entryPoint) is not a node of the top level")
      }
    }
    let storage = HNSWGraphStorage(m: m, levels: levels)
    var offset = HNSWGraph.headerSize + levelBytes
    try HNSWGraph.loadLists(
      from: bytes, at: offset, into: storage.layer0, slots: nodeCount, capacity: 2 * m,
      nodeCount: nodeCount, context: context)
    offset += 4 * layer0Words
    try HNSWGraph.loadLists(
      from: bytes, at: offset, into: storage.upper, slots: upperSlotCount, capacity: m,
      nodeCount: nodeCount, context: context)
    // A walk on layer l reads the layer-l list of every neighbour found there: each must
    // exist.
    for node in 0..<nodeCount where levels[node] > 0 {
      for layer in 1...Int(levels[node]) {
        let list = storage.list(node, layer: layer)
        for index in 0..<Int(list[0]) where Int(levels[Int(list[1 + index])]) < layer {
          throw corrupt("node \(node) links on layer \(layer) to a node below it")
        }
      }
    }
    self.init(storage: storage, entryPoint: entryPoint, maxLevel: maxLevel)
  }

  private static func loadLists(
    from bytes: UnsafeRawBufferPointer, at offset: Int, into words: UnsafeMutablePointer<UInt32>,
    slots: Int, capacity: Int, nodeCount: Int, context: String
  ) throws(IndexError) {
    let slotStride = 1 + capacity
    for slot in 0..<slots {
      let base = offset + 4 * slot * slotStride
      let count = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self))
      guard count <= capacity else {
        throw IndexError(.corruptFile, "\(context): a neighbour list holds \(count) > \(capacity)")
      }
      words[slot * slotStride] = count
      for index in stride(from: 1, through: Int(count), by: 1) {
        let neighbor = UInt32(
          littleEndian: bytes.loadUnaligned(fromByteOffset: base + 4 * index, as: UInt32.self))
        guard neighbor < nodeCount else {
          throw IndexError(.corruptFile, "\(context): neighbour id \(neighbor) out of range")
        }
        words[slot * slotStride + index] = neighbor
      }
    }
  }
}
