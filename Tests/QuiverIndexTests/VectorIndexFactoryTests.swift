import Foundation
import QuiverIndex
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

/// `VectorIndexFactory` builds and opens every type behind one interface, and each index says
/// which fragments it holds rows of.
@Suite("VectorIndex and its factory")
struct VectorIndexFactoryTests {
  static let vectors = Array(HNSWTestData.base.values.prefix(600 * 384))
  /// Rows in fragments 3 and 5.
  static let rowIds = (0..<UInt64(600)).map { ($0 < 300 ? 3 << 32 : 5 << 32) | $0 }

  @Test(arguments: [IndexType.ivfPQ, .ivfFlat, .ivfSQ, .hnsw, .ivfHNSWSQ, .ivfHNSWPQ])
  func buildWriteOpenSearch(_ type: IndexType) throws {
    let folder = try TestPaths.temporaryDirectory("vector-index")
    defer { try? FileManager.default.removeItem(at: folder) }
    let parameters = IVFIndexParameters(
      type: type, metric: .l2, numPartitions: 3, numSubVectors: 48)
    let graph = HNSWParameters(m: 8, efConstruction: 32, seed: 9)
    let built = try VectorIndexFactory.build(
      vectors: Self.vectors, rowIds: Self.rowIds, dimension: 384, parameters: parameters,
      graph: graph)
    #expect(built.type == type && built.rowCount == 600 && built.dimension == 384)
    #expect(built.indexedFragmentIDs == [3, 5])
    try built.write(to: IndexFolder(local: folder))
    let opened = try VectorIndexFactory.open(type, at: folder)
    #expect(opened.type == type && opened.metric == .l2)
    let query = HNSWTestData.queries.row(0)
    let found = try opened.search(query, k: 10, nprobes: 3, ef: 64, filter: nil)
    #expect(try found == built.search(query, k: 10, nprobes: 3, ef: 64, filter: nil))
    // The search probed every partition, so an IVF_HNSW index (whose files list no fragments)
    // knows them by now too.
    #expect(opened.indexedFragmentIDs == [3, 5])
    // A filter keeps the search to its rows, inside the scan: k rows of fragment 5 come back.
    let onlyFive = RowSet(allowing: Self.rowIds.suffix(300))
    let filtered = try opened.search(query, k: 10, nprobes: 3, ef: 64, filter: onlyFive)
    #expect(filtered.count == 10 && filtered.allSatisfy { $0.id >> 32 == 5 })
  }

  @Test func openingAnotherTypeIsATypedError() throws {
    let folder = try TestPaths.temporaryDirectory("vector-index-type")
    defer { try? FileManager.default.removeItem(at: folder) }
    try VectorIndexFactory.build(
      vectors: Self.vectors, rowIds: Self.rowIds, dimension: 384,
      parameters: IVFIndexParameters(type: .ivfFlat, numPartitions: 3), graph: HNSWParameters()
    ).write(to: IndexFolder(local: folder))
    #expect { _ = try VectorIndexFactory.open(.ivfPQ, at: folder) } throws: {
      ($0 as? IndexError)?.code == .unsupportedIndexType
    }
  }

  @Test func ivfHNSWLearnsItsFragmentsAsPartitionsLoad() throws {
    let folder = try TestPaths.temporaryDirectory("vector-index-fragments")
    defer { try? FileManager.default.removeItem(at: folder) }
    try VectorIndexFactory.build(
      vectors: Self.vectors, rowIds: Self.rowIds, dimension: 384,
      parameters: IVFIndexParameters(type: .ivfHNSWSQ, numPartitions: 3),
      graph: HNSWParameters(m: 8, efConstruction: 32, seed: 9)
    ).write(to: IndexFolder(local: folder))
    let opened = try VectorIndexFactory.open(.ivfHNSWSQ, at: folder)
    #expect(opened.indexedFragmentIDs == nil)
    _ = try opened.search(HNSWTestData.queries.row(0), k: 10, nprobes: 1, ef: 32, filter: nil)
    #expect(opened.indexedFragmentIDs == nil)
    _ = try opened.search(HNSWTestData.queries.row(0), k: 10, nprobes: 3, ef: 32, filter: nil)
    #expect(opened.indexedFragmentIDs == [3, 5])
  }
}
