import Foundation
import QuiverFormat
import QuiverTestSupport

@testable import QuiverTable

/// A fresh table folder inside a fresh temporary folder, removed by `body`'s caller.
func withTemporaryTable<Result>(_ body: (URL) throws -> Result) throws -> Result {
  let folder = try TestPaths.temporaryDirectory("quiver-table")
  defer { try? FileManager.default.removeItem(at: folder) }
  return try body(folder.appendingPathComponent("table"))
}

/// A two-column schema (`id: int64`, `vector: fixed_size_list<float32>[4]`).
func smallSchema() throws -> Schema {
  try Schema([Field("id", .int64, nullable: false), Field("vector", .fixedSizeList(.float32, dimension: 4))])
}

/// A fragment whose "data file" is `rows` opaque bytes: enough for commit tests that never read
/// the data.
func placeholderFragment(_ layout: TableLayout, rows: Int, columns: [String] = ["id", "vector"])
  throws -> NewFragment
{
  try FileManager.default.createDirectory(at: layout.dataFolder, withIntermediateDirectories: true)
  let path = layout.newDataFilePath(fileExtension: "bin")
  try Data(repeating: 7, count: rows).write(to: layout.url(relative: path))
  return NewFragment(
    physicalRowCount: rows, dataFiles: [DataFileRecord(path: path, columns: columns, sizeBytes: rows)])
}

/// Rows `ids` of the small schema: `vector` of row `id` is `[id, id + 0.25, id + 0.5, id + 0.75]`.
func smallBatch(_ ids: Range<Int>) throws -> RecordBatch {
  let vectors = ids.flatMap { id in (0..<4).map { Float(id) + Float($0) * 0.25 } }
  return try RecordBatch(
    schema: smallSchema(),
    columns: [Column(ids.map { Int64($0) }), Column(vectors: vectors, dimension: 4)])
}

/// The `id` column of every live row, in scan order.
func liveIDs(_ dataset: Dataset) throws -> [Int64] {
  var ids: [Int64] = []
  try dataset.scan(columns: ["id"]) { ids += $0.batch.columns[0].values(as: Int64.self) }
  return ids
}
