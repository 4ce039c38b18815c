import Foundation
import QuiverFormat
import QuiverKernels
import QuiverTestSupport
import Testing

/// Writes `batches` to a fresh file and returns its reader.
func writeFile(
  _ batches: [RecordBatch], schema: Schema, options: DataFileWriterOptions = DataFileWriterOptions(),
  in directory: URL, name: String = "data.qdf"
) throws -> (DataFileReader, DataFileStatistics) {
  let url = directory.appendingPathComponent(name)
  let writer = try DataFileWriter(url: url, schema: schema, options: options)
  for batch in batches { try writer.write(batch) }
  let statistics = try writer.finish()
  return (try DataFileReader(url: url), statistics)
}

@Test(arguments: [0, 1, 2, 7, 300, 2_500])
func roundTripEveryTypeAndNullPattern(rowCount: Int) throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  var random = SeededGenerator(seed: UInt64(rowCount) &* 7919 &+ 1)
  var fields: [Field] = []
  var columns: [Column] = []
  for type in allDataTypes {
    for pattern in NullPattern.allCases {
      for cardinality in [nil, 3] as [Int?] where cardinality == nil || !type.isVector {
        let column = try randomColumn(type, count: rowCount, nulls: pattern, cardinality: cardinality, using: &random)
        fields.append(Field("\(type.name)-\(pattern)-\(cardinality ?? 0)", type, nullable: pattern != .none))
        columns.append(column)
      }
    }
  }
  let schema = try Schema(fields, metadata: ["origin": "test"])
  let batch = try RecordBatch(schema: schema, columns: columns)
  // Small pages so the larger sizes span many pages; batches split unevenly.
  let options = DataFileWriterOptions(pageSize: 512, compressionLevel: 3, compressedVectorColumns: [fields.last!.name], synchronizeOnFinish: false)
  let cuts = [0, rowCount / 3, rowCount / 3 + 1, rowCount].map { min($0, rowCount) }
  let batches = (0..<3).map { batch.slice(rows: cuts[$0]..<max(cuts[$0], cuts[$0 + 1])) }
  let (reader, statistics) = try writeFile(batches, schema: schema, options: options, in: directory)
  #expect(reader.schema == schema)
  #expect(reader.rowCount == rowCount)
  #expect(statistics.rowCount == rowCount)
  let readBack = try reader.read()
  for (index, field) in schema.fields.enumerated() {
    #expect(readBack.columns[index] == batch.columns[index], "column \(field.name)")
  }
  if rowCount >= 300 {
    #expect(reader.pages.contains { $0.count > 3 })
    let encodings = Set(reader.pages.flatMap { $0.map(\.encoding) })
    #expect(encodings == Set(PageEncoding.allCases))
    #expect(reader.pages.flatMap { $0 }.contains { $0.compression == .zstd })
  }
  // Row ranges, scans and takes agree with the in-memory batch.
  if rowCount > 0 {
    let range = (rowCount / 4)..<(rowCount - rowCount / 5)
    #expect(try reader.read(rows: range) == batch.slice(rows: range))
    var scanned: [RecordBatch] = []
    try reader.scan(batchSize: max(1, rowCount / 3 + 1)) { scanned.append($0) }
    #expect(try RecordBatch.concatenate(scanned, schema: schema) == batch)
    let rows = (0..<50).map { _ in Int.random(in: 0..<rowCount, using: &random) }
    let names = Array(schema.names.shuffled(using: &random).prefix(20))
    let expected = try batch.take(rows: rows).selecting(columns: names)
    #expect(try reader.take(rowOffsets: rows, columns: names) == expected)
    // Every plain, uncompressed fixed-width page carries a row-checksum table; no other page does.
    for (index, field) in schema.fields.enumerated() {
      for page in reader.pages[index] {
        let plainFixed = page.encoding == .plain && page.compression == .none && field.type.byteWidth != nil && field.type != .bool
        #expect((page.rowChecksums != nil) == plainFixed, "column \(field.name)")
      }
    }
  }
  #expect(throws: FormatError.self) { try reader.take(rowOffsets: [rowCount]) }
  #expect(throws: FormatError.self) { try reader.read(columns: ["missing"]) }
}

@Test func statisticsMatchThePageValues() throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let batch = try RecordBatch(columns: [
    "i": [5, -3, nil, 9] as [Int?], "f": [Float.nan, 2, -1, 0.5], "s": ["pear", "apple", nil, "zoo"],
  ])
  let (reader, _) = try writeFile([batch], schema: batch.schema, in: directory)
  #expect(reader.pages[0][0].statistics == PageStatistics(minimum: .int(-3), maximum: .int(9)))
  #expect(reader.pages[0][0].nullCount == 1)
  #expect(reader.pages[1][0].statistics == PageStatistics(minimum: .float(-1), maximum: .float(2)))
  #expect(reader.pages[2][0].statistics == PageStatistics(minimum: .string("apple"), maximum: .string("zoo")))
}

@Test func writerRejectsMismatchedBatchesAndReuse() throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let batch = try RecordBatch(columns: ["id": [1, 2]])
  let url = directory.appendingPathComponent("a.qdf")
  let writer = try DataFileWriter(url: url, schema: batch.schema)
  #expect(throws: FormatError.self) { try writer.write(RecordBatch(columns: ["other": [1]])) }
  try writer.write(batch)
  _ = try writer.finish()
  // The file appears only when finished; then a second writer may not replace it.
  #expect(throws: FormatError.self) { try DataFileWriter(url: url, schema: batch.schema) }
  #expect(throws: FormatError.self) { try writer.write(batch) }
  #expect(throws: FormatError.self) { try writer.finish() }
}

@Test func concurrentEncodingWritesTheSameBytes() throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  var random = SeededGenerator(seed: 5)
  let batch = try RecordBatch(columns: [
    "a": try randomColumn(.utf8, count: 3000, nulls: .random, using: &random),
    "b": try randomColumn(.int64, count: 3000, nulls: .none, cardinality: 9, using: &random),
    "v": try randomColumn(.fixedSizeList(.float32, dimension: 5), count: 3000, nulls: .none, using: &random),
  ])
  var files: [Data] = []
  for threads in [1, 2, 4] {
    let options = DataFileWriterOptions(pageSize: 2000, synchronizeOnFinish: false, encodingConcurrency: threads)
    let (reader, _) = try writeFile([batch.slice(rows: 0..<1234), batch.slice(rows: 1234..<3000)], schema: batch.schema, options: options, in: directory, name: "t\(threads).qdf")
    #expect(try reader.read() == batch)
    files.append(try Data(contentsOf: directory.appendingPathComponent("t\(threads).qdf")))
  }
  #expect(files[0] == files[1] && files[1] == files[2])
}

@Test func writerStreamsPagesToDiskBeforeFinish() throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let url = directory.appendingPathComponent("stream.qdf")
  let batch = try RecordBatch(columns: ["v": try Column(vectors: [Float](repeating: 0.5, count: 1000 * 16), dimension: 16)])
  let writer = try DataFileWriter(url: url, schema: batch.schema, options: DataFileWriterOptions(pageSize: 4096, synchronizeOnFinish: false))
  var sizes: [Int] = []
  for _ in 0..<20 {
    try writer.write(batch)
    // Until `finish` the bytes go to a temporary file beside the destination.
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(names.count == 1 && !names.contains("stream.qdf"))
    let temporary = directory.appendingPathComponent(try #require(names.first)).path
    sizes.append(try FileManager.default.attributesOfItem(atPath: temporary)[.size] as! Int)
  }
  // 64 KB of vectors per batch: every batch's full pages are on disk when write returns, so
  // the writer never holds more than about one page of pending rows.
  for (index, size) in sizes.enumerated() {
    #expect(size >= (index + 1) * 64_000 - 4096, "after batch \(index): \(size) bytes on disk")
  }
  let statistics = try writer.finish()
  #expect(statistics.rowCount == 20_000)
  #expect(statistics.columns[0].pageCount == 20_000 * 64 / 4096 + 1)
}
