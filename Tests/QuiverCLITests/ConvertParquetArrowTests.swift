import Foundation
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
    let out = try runQuiver(["convert", table, exported])
    #expect(out.status == 0, "\(out.standardError)")
    let again = scratch.path("again.quiver")
    let back = try runQuiver(["convert", exported, again])
    #expect(back.status == 0, "\(back.standardError)")
    let vectors = scratch.path("again.fvecs")
    #expect(try runQuiver(["convert", again, vectors]).status == 0)
    #expect(try fileBytes(vectors) == convertFixture("vectors.fvecs"))
  }

  @Test func readsAPyarrowParquetFileIntoATable() throws {
    let scratch = try ScratchFolder()
    let fixture = TestPaths.fixtures.appendingPathComponent("exchange/uint8-vector.parquet").path
    let result = try runQuiver(["convert", fixture, scratch.path("bytes.quiver"), "--json"])
    #expect(result.status == 0, "\(result.standardError)")
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
}
