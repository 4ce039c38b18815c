import Foundation
import QuiverFormat
import QuiverObjectStore
import QuiverS3
import QuiverStorage
import QuiverTable
import QuiverTestSupport
import Testing

/// `Dataset.cleanup` on S3, where a folder is only a key prefix: the folder of an index no
/// version names goes whole (files first, then its folder marker, if a tool wrote one), and an
/// empty folder exists only as a marker, removed after the grace period like a local empty
/// folder; a referenced index folder is never touched (issue 16).
@Suite(.enabled(if: TableBackend.serverIsConfigured, TableBackend.missingServer))
struct S3CleanupTests {
  @Test func unreferencedIndexFoldersAndTheirMarkersGoAfterTheGracePeriod() async throws {
    let storage = try S3Storage(
      url: TableBackend.uniqueURI("cleanup") + "/t.quiver",
      configuration: TableBackend.options().configuration())
    let schema = try Schema([
      Field("id", .int64, nullable: false), Field("vector", .fixedSizeList(.float32, dimension: 4)),
    ])
    let batch = try RecordBatch(
      schema: schema, columns: [Column([Int64(1), 2]), Column(vectors: [Float](repeating: 0.5, count: 8), dimension: 4)])
    var dataset = try Dataset.create(in: storage, schema: schema, batches: [batch])
    try dataset.commitIndex(
      IndexEntry(
        uuid: "live", name: "vector_idx", column: "vector", indexType: "IVF_FLAT", metric: "l2",
        fragmentIDs: [0]))
    #expect(try storage.putIfAbsent(try StoragePath("_indices/live/ivf.meta"), [1, 2, 3]))
    #expect(try storage.putIfAbsent(try StoragePath("_indices/half/ivf.partitions"), Array(repeating: 9, count: 10)))
    // Markers, as an S3 console or a file-system gateway writes them for folders.
    for folder in ["_indices/live/", "_indices/live/spare/", "_indices/killed/", "_indices/killed/a/", "_indices/half/"] {
      try await storage.client.put("\(storage.prefix)/\(folder)", [])
    }
    func emptyFolders() throws -> [String] {
      try storage.emptyFolders(under: .root).map(\.path.description).sorted()
    }
    #expect(try emptyFolders() == ["_indices/killed", "_indices/killed/a", "_indices/live/spare"])

    // Everything is younger than an hour: nothing goes.
    #expect(try dataset.cleanup(keepVersions: Int.max).removedPaths.isEmpty)
    #expect(try emptyFolders() == ["_indices/killed", "_indices/killed/a", "_indices/live/spare"])

    let report = try dataset.cleanup(keepVersions: Int.max, inFlightGracePeriod: -5)
    #expect(report.removedFolders.map(\.path) == ["_indices/half/", "_indices/killed/"])
    #expect(report.removedFolders.map(\.bytes) == [10, 0])
    #expect(report.removedFiles == 1 && report.removedBytes == 10)
    #expect(try emptyFolders() == ["_indices/live/spare"])
    let keys = try await storage.client.list(prefix: storage.prefix + "/").map(\.key)
    #expect(
      keys.map { String($0.dropFirst(storage.prefix.count + 1)) }.filter { $0.hasPrefix("_indices/") }.sorted()
        == ["_indices/live/", "_indices/live/ivf.meta", "_indices/live/spare/"])
    #expect(try Dataset.open(in: storage).indices.map(\.uuid) == ["live"])
  }
}
