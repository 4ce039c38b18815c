import Foundation
import QuiverExchange
import QuiverFormat
import QuiverTestSupport
import Testing

/// `quiver convert` to and from Parquet and Arrow IPC (through QuiverExchange).
@Suite struct ConvertParquetArrowTests {
  @Test(arguments: ["parquet", "arrow", "arrows", "feather"])
  func vectorsRoundTripThroughParquetAndArrowByteForByte(fileExtension: String) throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("items.quiver")
    let source = convertFixtureURL("vectors.fvecs").path
    #expect(try runQuiver(["convert", source, table]).status == 0)
    let exported = scratch.path("items.\(fileExtension)")
    try convertExpectingSuccess(table, exported)
    let again = scratch.path("again.quiver")
    try convertExpectingSuccess(exported, again)
    let vectors = scratch.path("again.fvecs")
    #expect(try runQuiver(["convert", again, vectors]).status == 0)
    #expect(try fileBytes(vectors) == convertFixture("vectors.fvecs"))
  }

  /// Every row of the Parquet or Arrow file at `path`, read by QuiverExchange.
  func allRows(_ path: String) throws -> RecordBatch {
    var reader: any RecordBatchFileReader =
      path.hasSuffix(".parquet") ? try ParquetReader(path: path) : try ArrowReader(path: path)
    var batches: [RecordBatch] = []
    while let batch = try reader.nextBatch() { batches.append(batch) }
    return try RecordBatch.concatenate(batches)
  }

  /// Parquet → table → Parquet (and Arrow → table → Arrow) keeps every value of pyarrow's
  /// fixtures: every type, nulls, each codec and page layout, both vector layouts, LanceDB's.
  @Test(arguments: [
    "types-none.parquet", "types-gzip.parquet", "page-v2.parquet", "delta-split.parquet",
    "list-vector.parquet", "float16-vector.parquet", "lancedb.parquet", "types-zstd.arrow",
    "types.arrows", "types.feather", "uint8-vector.arrows",
  ])
  func everyValueSurvivesATable(fixture: String) throws {
    let scratch = try ScratchFolder()
    let source = TestPaths.fixtures.appendingPathComponent("exchange/\(fixture)").path
    let exported = scratch.path("again." + URL(fileURLWithPath: fixture).pathExtension)
    for (from, to) in [(source, scratch.path("t.quiver")), (scratch.path("t.quiver"), exported)] {
      try convertExpectingSuccess(from, to, ["--quiet"])
    }
    let original = try allRows(source)
    let again = try allRows(exported)
    #expect(again.schema.names == original.schema.names)
    for (field, column) in zip(original.schema.fields, original.columns) {
      #expect(try again.column(named: field.name) == column, "column \(field.name)")
    }
  }

  @Test func readsAPyarrowParquetFileIntoATable() throws {
    let scratch = try ScratchFolder()
    let fixture = TestPaths.fixtures.appendingPathComponent("exchange/uint8-vector.parquet").path
    let result = try convertExpectingSuccess(fixture, scratch.path("bytes.quiver"), ["--json"])
    #expect(result.standardOutput.contains("\"rows\": 3"))
    #expect(result.standardOutput.contains("vector(uint8, 4)"))
  }

  @Test func corruptParquetFailsWithOneLineNamingTheFile() throws {
    let scratch = try ScratchFolder()
    let fixture = TestPaths.fixtures.appendingPathComponent("exchange/uint8-vector.parquet")
    var bytes = [UInt8](try Data(contentsOf: fixture))
    bytes.removeLast(10)
    let path = try scratch.write("cut.parquet", bytes)
    let result = try runQuiver(["convert", path, scratch.path("cut.quiver")])
    expectOneLineFailure(result, status: 65, mentions: [path, "PAR1"])
  }

  /// Binary values with a null, an empty value and every byte.
  static let blobs: [[UInt8]?] = [[0x00, 0xFF, 0x00], nil, [], Array(0...255), [0x7F]]

  /// A Parquet file of `blobs` (with ids and 2-d vectors) written by QuiverExchange.
  func binaryParquet(in scratch: ScratchFolder) throws -> String {
    let path = scratch.path("blobs.parquet")
    let schema = try Schema([
      Field("id", .int64), Field("blob", .binary),
      Field("vector", .fixedSizeList(.float32, dimension: 2), nullable: false),
    ])
    let rows = Self.blobs.count
    var writer = try ParquetWriter(path: path, schema: schema)
    try writer.write(
      RecordBatch(
        schema: schema,
        columns: [
          Column((0..<rows).map { Int64?(Int64($0)) }), Column(binary: Self.blobs),
          try Column(vectors: (0..<(2 * rows)).map(Float.init), dimension: 2),
        ]))
    try writer.finish()
    return path
  }

  /// The binary column `blob` of the Parquet or Arrow file at `path`, read by QuiverExchange.
  func blobs(in path: String) throws -> [[UInt8]?] {
    var reader: any RecordBatchFileReader =
      path.hasSuffix(".parquet") ? try ParquetReader(path: path) : try ArrowReader(path: path)
    var values: [[UInt8]?] = []
    while let batch = try reader.nextBatch() {
      let column = try #require(batch["blob"])
      values += (0..<column.count).map { column.bytes(at: $0) }
    }
    return values
  }

  @Test(arguments: ["parquet", "arrow"])
  func binaryColumnsRoundTripThroughATable(fileExtension: String) throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("t.quiver")
    let exported = scratch.path("out.\(fileExtension)")
    let again = scratch.path("again.quiver")
    let final = scratch.path("final.parquet")
    let steps = [(try binaryParquet(in: scratch), table), (table, exported), (exported, again), (again, final)]
    for (source, target) in steps {
      try convertExpectingSuccess(source, target)
    }
    #expect(try blobs(in: exported) == Self.blobs)
    #expect(try blobs(in: final) == Self.blobs)
    let search = try runQuiver(["search", again, "--vector", "0,1", "--limit", "1", "--json"])
    #expect(search.standardOutput.contains("\"0x00ff00\""), "\(search.standardOutput)")
  }

  @Test func binaryColumnsAreRefusedByTextFormats() throws {
    let scratch = try ScratchFolder()
    let result = try runQuiver(["convert", try binaryParquet(in: scratch), scratch.path("t.csv")])
    expectOneLineFailure(result, status: 64, mentions: ["column 'blob' is binary", "CSV"])
  }
}
