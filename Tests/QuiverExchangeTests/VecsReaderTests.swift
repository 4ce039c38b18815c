import Foundation
import QuiverExchange
import QuiverTestSupport
import Testing

/// The one `.fvecs` / `.bvecs` / `.ivecs` reader: whole files, runs of records, and every header
/// and length checked against the file size.
@Suite struct VecsReaderTests {
  /// `rows` records of `dimension` little-endian int32 values `row * 100 + column`, with
  /// record `wrongRow`'s header set to `dimension + 1`.
  static func records(rows: Int, dimension: Int, wrongRow: Int? = nil) -> [UInt8] {
    var bytes: [UInt8] = []
    for row in 0..<rows {
      let header = UInt32(row == wrongRow ? dimension + 1 : dimension)
      for word in [header] + (0..<dimension).map({ UInt32(row * 100 + $0) }) {
        withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
      }
    }
    return bytes
  }

  /// Writes `bytes` to a fresh file named `name` and passes its path to `body`.
  func withFile<T>(_ name: String, _ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
    let folder = try TestPaths.temporaryDirectory("vecs-reader")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return try body(url.path)
  }

  /// The error `body` throws, which must be an `ExchangeError`.
  func exchangeError(_ body: () throws -> Void) throws -> ExchangeError {
    let error = #expect(throws: ExchangeError.self) { try body() }
    return try #require(error)
  }

  @Test func readsWholeFilesAndRunsOfRecords() throws {
    try withFile("ids.ivecs", Self.records(rows: 5, dimension: 3)) { path in
      let matrix = try VectorMatrix<Int32>(ivecsAt: path)
      #expect(matrix.dimension == 3 && matrix.count == 5)
      #expect(matrix.row(4) == [400, 401, 402])
      #expect(try VectorMatrix<Int32>(ivecsAt: path, limit: 2).values == [0, 1, 2, 100, 101, 102])

      var reader = try VecsReader(path: path, format: .ivecs)
      var values: [UInt8] = []
      #expect(try reader.read(records: 3, appendingTo: &values) == 3)
      #expect(values.count == 3 * 3 * 4 && reader.recordsRead == 3 && reader.bytesRead == 48)
      #expect(try reader.read(records: 3, appendingTo: &values) == 2)
      #expect(try reader.read(records: 3, appendingTo: &values) == 0)
      #expect(reader.bytesRead == reader.totalBytes)
    }
  }

  @Test func aHostileFirstHeaderIsRefusedBeforeAnyAllocation() throws {
    let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4]
    try withFile("huge.fvecs", huge) { path in
      let error = try exchangeError { _ = try VecsReader(path: path, format: .fvecs) }
      #expect(error.code == .corruptFile)
      #expect(error.message.contains("record 0 (byte 0): dimension 2147483647 is impossible"))
    }
    try withFile("short.fvecs", [4, 0]) { path in
      let error = try exchangeError { _ = try VecsReader(path: path, format: .fvecs) }
      #expect(error.code == .truncatedFile)
      #expect(error.message.contains("the file has 2 bytes, fewer than a 4-byte dimension header"))
    }
    try withFile("empty.fvecs", []) { path in
      #expect(try VecsReader(path: path, format: .fvecs, expectedDimension: 8).dimension == 8)
      let error = try exchangeError { _ = try VecsReader(path: path, format: .fvecs) }
      #expect(error.message.contains("the file is empty, so its dimension is unknown"))
    }
  }

  @Test func aLaterRecordNamesItsNumberAndByte() throws {
    try withFile("odd.ivecs", Self.records(rows: 4, dimension: 2, wrongRow: 2)) { path in
      let error = try exchangeError { _ = try VectorMatrix<Int32>(ivecsAt: path) }
      #expect(error.code == .corruptFile)
      #expect(
        error.message.hasSuffix(
          "record 2 (byte 24): dimension 3 differs from the first record's 2"))
    }
    try withFile("cut.ivecs", Array(Self.records(rows: 4, dimension: 2).dropLast(3))) { path in
      var reader = try VecsReader(path: path, format: .ivecs)
      var values: [UInt8] = []
      #expect(try reader.read(records: 10, appendingTo: &values) == 3)
      let error = try exchangeError { _ = try reader.read(records: 10, appendingTo: &values) }
      #expect(error.code == .truncatedFile)
      #expect(
        error.message.contains(
          "record 3 (byte 36): truncated: expected 8 bytes of vector data, found 5"))
    }
    try withFile("header.ivecs", Self.records(rows: 1, dimension: 2) + [2, 0]) { path in
      let error = try exchangeError { _ = try VectorMatrix<Int32>(ivecsAt: path) }
      #expect(error.message.contains("record 1 (byte 12): truncated: the file ends 2 bytes into"))
    }
  }

  @Test func aDimensionOtherThanTheExpectedOneIsRefused() throws {
    try withFile("four.bvecs", [4, 0, 0, 0, 1, 2, 3, 4]) { path in
      #expect(try VecsReader(path: path, format: .bvecs).dimension == 4)
      let error = try exchangeError {
        _ = try VecsReader(path: path, format: .bvecs, expectedDimension: 5)
      }
      #expect(error.message.contains("dimension 4 differs from --dim 5"))
    }
  }
}
