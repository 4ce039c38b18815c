import Foundation
import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

@Suite("HNSW persistence")
struct HNSWPersistenceTests {
  static let graph = HNSWParameters(m: 8, efConstruction: 32, seed: 9)
  static let vectors = Array(HNSWTestData.base.values.prefix(800 * 384))

  static func flip(_ url: URL, at offset: Int) throws {
    var bytes = try Data(contentsOf: url)
    bytes[offset] ^= 0x40
    try bytes.write(to: url)
  }

  @Test("HNSW: identical graph and results after reopen; corruption is detected")
  func hnswRoundTrip() throws {
    let folder = try TestPaths.temporaryDirectory("hnsw-persist")
    defer { try? FileManager.default.removeItem(at: folder) }
    let rowIds = (0..<UInt64(800)).map { (7 << 32) | ($0 * 2) }
    let index = try HNSWIndex.build(
      vectors: Self.vectors, dimension: 384, rowIds: rowIds, metric: .cosine,
      parameters: Self.graph)
    try index.write(to: folder)
    let reopened = try HNSWIndex.open(at: folder)
    let sameBytes = reopened.graph.serialized() == index.graph.serialized()
    #expect(sameBytes)
    #expect(reopened.metric == .cosine && reopened.parameters == Self.graph)
    for query in 0..<10 {
      let vector = HNSWTestData.queries.row(query)
      #expect(try reopened.search(vector, k: 10, ef: 40) == index.search(vector, k: 10, ef: 40))
    }
    // A flipped byte in the graph's neighbour lists: the block checksum catches it.
    let partitions = folder.appendingPathComponent(HNSWIndexFiles.partitions)
    let size = try Data(contentsOf: partitions).count
    try Self.flip(partitions, at: size - 100)
    #expect { _ = try HNSWIndex.open(at: folder) } throws: {
      ($0 as? IndexError)?.code == .corruptFile
    }
    #expect { _ = try IVFHNSWIndex.open(at: folder) } throws: {
      ($0 as? IndexError)?.code == .unsupportedIndexType
    }
  }

  @Test("IVF_HNSW: partitions load on demand; results identical after reopen", arguments: [IndexType.ivfHNSWSQ, .ivfHNSWPQ])
  func ivfRoundTrip(type: IndexType) throws {
    let folder = try TestPaths.temporaryDirectory("ivfhnsw-persist")
    defer { try? FileManager.default.removeItem(at: folder) }
    let index = try IVFHNSWIndex.build(
      vectors: Self.vectors, dimension: 384,
      parameters: IVFHNSWParameters(
        type: type, metric: .dot, numPartitions: 3, numSubVectors: 48, numBits: 4,
        maxIterations: 3, seed: 2, hnsw: Self.graph))
    try index.write(to: folder)
    let reopened = try IVFHNSWIndex.open(at: folder)
    #expect(reopened.loadedPartitionCount == 0)
    #expect(reopened.partitionCount == 3 && reopened.type == type && reopened.metric == .dot)
    let vector = HNSWTestData.queries.row(3)
    let first = try reopened.search(vector, k: 10, nprobes: 1, ef: 40)
    #expect(reopened.loadedPartitionCount == 1)
    #expect(first == (try index.search(vector, k: 10, nprobes: 1, ef: 40)))
    for query in 0..<10 {
      let vector = HNSWTestData.queries.row(query)
      #expect(
        try reopened.search(vector, k: 10, nprobes: 3, ef: 40)
          == index.search(vector, k: 10, nprobes: 3, ef: 40))
    }
    #expect(reopened.loadedPartitionCount == 3)
    // Corrupt the last partition: opening still works (nothing read), probing it fails.
    let partitions = folder.appendingPathComponent(HNSWIndexFiles.partitions)
    let size = try Data(contentsOf: partitions).count
    try Self.flip(partitions, at: size - 200)
    let damaged = try IVFHNSWIndex.open(at: folder)
    #expect { _ = try damaged.search(vector, k: 10, nprobes: 3) } throws: {
      ($0 as? IndexError)?.code == .corruptFile
    }
    let model = folder.appendingPathComponent(HNSWIndexFiles.model)
    try Self.flip(model, at: 40)
    #expect { _ = try IVFHNSWIndex.open(at: folder) } throws: {
      ($0 as? IndexError)?.code == .corruptFile
    }
  }

  @Test("a graph block rejects every truncation and bad neighbour ids")
  func graphBlock() throws {
    let index = try HNSWIndex.build(
      vectors: Array(Self.vectors.prefix(200 * 384)), dimension: 384, metric: .l2,
      parameters: Self.graph)
    let bytes = index.graph.serialized()
    let graph = try bytes.withUnsafeBytes { try HNSWGraph(bytes: $0) }
    let sameBytes = graph.serialized() == bytes
    #expect(sameBytes)
    for length in [0, 10, 31, 32, bytes.count / 2, bytes.count - 1] {
      #expect(throws: IndexError.self) {
        try bytes.withUnsafeBytes { _ = try HNSWGraph(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
      }
    }
    var damaged = bytes
    damaged[damaged.count - 40] ^= 1
    #expect(throws: IndexError.self) { try damaged.withUnsafeBytes { _ = try HNSWGraph(bytes: $0) } }
  }
}
