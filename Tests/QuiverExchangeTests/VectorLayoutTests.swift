import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// Vectors in every layout the issue lists: `FixedSizeList<float16|uint8>` in Arrow as well as
/// Parquet, both written back by our writers; `List<float32>` as pandas writes it; and a
/// `List<float32>` whose rows differ in length, which is refused naming the column and row.
@Suite struct VectorLayoutTests {
  private func readAll(_ path: String) throws -> [RecordBatch] {
    var reader: any RecordBatchFileReader =
      path.hasSuffix(".parquet") ? try ParquetReader(path: path) : try ArrowReader(path: path)
    var batches: [RecordBatch] = []
    while let batch = try reader.nextBatch() { batches.append(batch) }
    return batches
  }

  /// The "vector" column of `path` with its expected type and rows, from expected.json.
  private func expectVectors(
    in path: String, element: VectorElementType, expectedKey: String
  ) throws -> RecordBatch {
    let all = try RecordBatch.concatenate(readAll(path))
    let column = try all.column(named: "vector")
    #expect(column.dataType == .fixedSizeList(element, dimension: 4), "\(path)")
    let rows = try #require(try ExchangeFixtures.expected()[expectedKey] as? [[NSNumber]])
    #expect(column.count == rows.count)
    for (row, values) in rows.enumerated() {
      #expect(column.vector(at: row) == values.map(\.floatValue), "\(path) row \(row)")
    }
    #expect(try all.column(named: "id")[rows.count - 1] == .int(Int64(rows.count - 1)))
    return all
  }

  static let layouts: [(fixture: String, element: VectorElementType, key: String)] = [
    ("float16-vector.parquet", .float16, "float16_vectors"),
    ("float16-vector.arrow", .float16, "float16_vectors"),
    ("uint8-vector.parquet", .uint8, "uint8_vectors"),
    ("uint8-vector.arrows", .uint8, "uint8_vectors"),
  ]

  @Test(arguments: 0..<4)
  func float16AndUInt8VectorsReadAndRoundTripThroughEveryWriter(layout: Int) throws {
    let (fixture, element, key) = Self.layouts[layout]
    let original = try expectVectors(
      in: ExchangeFixtures.path(fixture), element: element, expectedKey: key)
    let folder = try TestPaths.temporaryDirectory("quiver-vector-layouts")
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["out.parquet", "out.arrow", "out.arrows"] {
      let path = folder.appendingPathComponent(name).path
      var writer: any RecordBatchFileWriter =
        name.hasSuffix(".parquet")
        ? try ParquetWriter(path: path, schema: original.schema)
        : try ArrowWriter(
          path: path, schema: original.schema, layout: name.hasSuffix(".arrow") ? .file : .stream)
      try writer.write(original)
      try writer.finish()
      let again = try expectVectors(in: path, element: element, expectedKey: key)
      #expect(again == original, "\(name)")
    }
  }

  @Test func readsTheListColumnPandasWrites() throws {
    let all = try RecordBatch.concatenate(readAll(ExchangeFixtures.path("pandas.parquet")))
    #expect(all.schema.names == ["id", "label", "vector"])
    let vector = try all.column(named: "vector")
    #expect(vector.dataType == .fixedSizeList(.float32, dimension: 3))
    let labels = try all.column(named: "label")
    #expect(labels.dataType == .utf8)
    for row in 0..<6 {
      #expect(vector.vector(at: row) == [Float(row), Float(row) + 0.5, -Float(row)])
      #expect(labels[row] == .string("label \(row)"))
    }
  }

  @Test(arguments: ["ragged-list.parquet", "ragged-list.arrows"])
  func aListWhoseRowsDifferInLengthIsRefusedNamingTheRow(fixture: String) throws {
    let path = ExchangeFixtures.path(fixture)
    let error = try #require(throws: ExchangeError.self) { _ = try readAll(path) }
    #expect(error.code == .unsupportedFeature, "\(error)")
    #expect(error.message.hasPrefix(path), "\(error)")
    #expect(error.message.contains("'vector'"), "\(error)")
    #expect(error.message.contains("row 2 has 3 elements, not 4"), "\(error)")
    #expect(error.message.contains("constant length"), "\(error)")
    #expect(!error.message.contains("\n"))
  }
}
