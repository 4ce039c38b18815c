import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// Files whose few bytes ask the reader to make terabytes (issues 15 and 16): a dictionary entry
/// repeated by every index, a list column of null rows. Each is refused with
/// `ExchangeError.exceedsLimit` naming the place, before anything is allocated.
@Suite struct ExpandedBytesLimitTests {
  private func expectRefused(mentioning parts: [String], _ body: () throws -> Void) {
    do {
      try body()
      Issue.record("the file was read")
    } catch let error as ExchangeError {
      #expect(error.code == .exceedsLimit, "\(error)")
      for part in parts { #expect(error.message.contains(part), "\(error.message)") }
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  /// A Parquet file of one required BYTE_ARRAY column `s`: a dictionary page holding one entry
  /// of `entryBytes` bytes, then one data page of `rows` RLE-encoded indices, all 0.
  private func dictionaryFile(entryBytes: Int, rows: Int) -> [UInt8] {
    var dictionaryBody: [UInt8] = []
    withUnsafeBytes(of: UInt32(entryBytes).littleEndian) { dictionaryBody += $0 }
    dictionaryBody += [UInt8](repeating: 0x61, count: entryBytes)
    let dictionaryHeader = ParquetPageHeader(
      type: ParquetPageType.dictionaryPage.rawValue, uncompressedSize: Int32(dictionaryBody.count),
      compressedSize: Int32(dictionaryBody.count),
      dictionaryPage: .init(valueCount: 1, encoding: ParquetEncoding.plain.rawValue)
    ).serialized()
    // Bit width 1, then one RLE run of `rows` zeros: a varint of rows << 1, the value byte.
    var indices: [UInt8] = [1]
    RLEBitPackedHybridEncoder.appendVarint(UInt64(rows) << 1, to: &indices)
    indices.append(0)
    let dataHeader = ParquetPageHeader(
      type: ParquetPageType.dataPage.rawValue, uncompressedSize: Int32(indices.count),
      compressedSize: Int32(indices.count),
      dataPage: .init(
        valueCount: Int32(rows), encoding: ParquetEncoding.rleDictionary.rawValue,
        definitionLevelEncoding: ParquetEncoding.rle.rawValue,
        repetitionLevelEncoding: ParquetEncoding.rle.rawValue)
    ).serialized()
    let chunkBytes = dictionaryHeader + dictionaryBody + dataHeader + indices
    let chunk = ParquetColumnChunk(
      physicalType: .byteArray,
      encodings: [ParquetEncoding.plain.rawValue, ParquetEncoding.rleDictionary.rawValue],
      path: ["s"], codec: ParquetCodec(.uncompressed), valueCount: Int64(rows),
      totalUncompressedSize: Int64(chunkBytes.count), totalCompressedSize: Int64(chunkBytes.count),
      dataPageOffset: Int64(4 + dictionaryHeader.count + dictionaryBody.count),
      dictionaryPageOffset: 4)
    let metadata = ParquetFileMetadata(
      version: 1,
      schema: [
        ParquetSchemaElement(name: "schema", childCount: 1),
        ParquetSchemaElement(name: "s", physicalType: .byteArray, repetition: .required),
      ],
      rowCount: Int64(rows),
      rowGroups: [
        ParquetRowGroup(columns: [chunk], totalByteSize: Int64(chunkBytes.count), rowCount: Int64(rows))
      ],
      keyValues: [], createdBy: nil)
    let footer = metadata.serialized()
    var file = Array("PAR1".utf8) + chunkBytes + footer
    withUnsafeBytes(of: UInt32(footer.count).littleEndian) { file += $0 }
    return file + Array("PAR1".utf8)
  }

  private func readParquet(_ bytes: [UInt8]) throws -> [RecordBatch] {
    let folder = try TestPaths.temporaryDirectory("quiver-expanded-bytes")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("hostile.parquet").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    var reader = try ParquetReader(path: path)
    var batches: [RecordBatch] = []
    while let batch = try reader.nextBatch() { batches.append(batch) }
    return batches
  }

  @Test func aDictionaryEntryRepeatedBeyondTheLimitIsRefused() {
    // 1 MiB × 1,000,000 indices: a terabyte from a 1 MiB file.
    expectRefused(mentioning: ["hostile.parquet: row group 0, column 's', page 1", "dictionary values"]) {
      _ = try readParquet(dictionaryFile(entryBytes: 1 << 20, rows: 1_000_000))
    }
  }

  @Test func aDictionaryWithinTheLimitIsRead() throws {
    let batches = try readParquet(dictionaryFile(entryBytes: 3, rows: 200))
    let column = try #require(batches.first?.columns.first)
    #expect(column.count == 200)
    #expect((0..<200).allSatisfy { column.bytes(at: $0) == [0x61, 0x61, 0x61] })
  }

  /// A record batch of one nullable `List<float32>` column `v` of `rows` rows, only the first
  /// non-null (with `dimension` elements), decoded.
  private func decodeMostlyNullList(rows: Int, dimension: Int) throws -> [Column] {
    var body: [UInt8] = []
    var buffers: [[Int64]] = []
    func add(_ bytes: [UInt8]) {
      buffers.append([Int64(body.count), Int64(bytes.count)])
      body += bytes
      while body.count % 8 != 0 { body.append(0) }
    }
    var validity = [UInt8](repeating: 0, count: (rows + 7) / 8)
    validity[0] = 1
    add(validity)
    var offsets: [Int32] = [0]
    offsets += [Int32](repeating: Int32(dimension), count: rows)
    add(offsets.withUnsafeBytes { Array($0) })
    add([])
    add([Float](repeating: 0.5, count: dimension).withUnsafeBytes { Array($0) })
    let header = FlatbufferBuilder.build(
      .table([
        .int64(Int64(rows)),
        .object(.int64Structs([[Int64(rows), Int64(rows - 1)], [Int64(dimension), 0]])),
        .object(.int64Structs(buffers)),
      ]))
    let element = ArrowField(
      name: "item", nullable: true, type: .floatingPoint(precision: 1), children: [])
    var decoder = try ArrowRecordBatchDecoder(
      fields: [ArrowField(name: "v", nullable: true, type: .list, children: [element])],
      schema: try Schema([Field("v", .fixedSizeList(.float32, dimension: dimension))]),
      header: try FlatbufferTable(root: header, context: "hostile.arrows"), body: body,
      context: "hostile.arrows: record batch 0")
    return try decoder.columns()
  }

  @Test func aListColumnOfNullRowsBeyondTheLimitIsRefused() {
    // 4 MiB of offsets and validity; a million null 1024-d vectors would take 4 GiB.
    expectRefused(mentioning: ["record batch 0, column 'v'", "1048575 null vectors"]) {
      _ = try decodeMostlyNullList(rows: 1 << 20, dimension: 1024)
    }
  }

  @Test func aListColumnOfFewNullRowsIsRead() throws {
    let column = try #require(try decodeMostlyNullList(rows: 100, dimension: 16).first)
    #expect(column.count == 100)
    #expect(column.nullCount == 99)
    #expect(column.withUnsafeBytes { Array($0) }.count == 100 * 16 * 4)
  }
}
