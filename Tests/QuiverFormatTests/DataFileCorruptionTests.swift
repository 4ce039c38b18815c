import Foundation
import QuiverKernels
import QuiverTestSupport
import Testing

@testable import QuiverFormat

/// A file with several pages per column, mixed encodings, compression and nulls.
private func sampleFile(in directory: URL) throws -> (URL, RecordBatch) {
  var random = SeededGenerator(seed: 42)
  let count = 600
  let batch = try RecordBatch(columns: [
    "id": Array(0..<count),
    "small": try randomColumn(.int32, count: count, nulls: .random, cardinality: 4, using: &random),
    "name": try randomColumn(.utf8, count: count, nulls: .random, using: &random),
    "tag": try randomColumn(.utf8, count: count, nulls: .none, cardinality: 3, using: &random),
    "vector": try randomColumn(.fixedSizeList(.float32, dimension: 8), count: count, nulls: .firstOnly, using: &random),
    "flag": try randomColumn(.bool, count: count, nulls: .alternating, using: &random),
  ])
  let url = directory.appendingPathComponent("sample.qdf")
  let writer = try DataFileWriter(url: url, schema: batch.schema, options: DataFileWriterOptions(pageSize: 1024, synchronizeOnFinish: false))
  try writer.write(batch)
  _ = try writer.finish()
  return (url, batch)
}

/// Runs `body` with a new folder holding the sample file (`sampleFile`), the file's URL and
/// bytes, and the batch it holds; removes the folder afterwards.
private func withSampleFile(
  _ body: (_ directory: URL, _ url: URL, _ original: Data, _ batch: RecordBatch) throws -> Void
) throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let (url, batch) = try sampleFile(in: directory)
  try body(directory, url, try Data(contentsOf: url), batch)
}

/// Opens and reads everything (read, scan, take); returns the batch and the taken rows or throws.
private func readEverything(_ url: URL, rows: [Int]) throws -> (RecordBatch, RecordBatch) {
  let reader = try DataFileReader(url: url)
  let all = try reader.read()
  var scanned: [RecordBatch] = []
  try reader.scan(batchSize: 128) { scanned.append($0) }
  #expect(try RecordBatch.concatenate(scanned, schema: reader.schema) == all)
  return (all, try reader.take(rowOffsets: rows))
}

/// The regions of a data file, named for messages.
private func regions(of url: URL) throws -> [(String, Range<Int>)] {
  let reader = try DataFileReader(url: url)
  var result: [(String, Range<Int>)] = [("header", 0..<16)]
  var end = 16
  for (column, pages) in reader.pages.enumerated() {
    for (index, page) in pages.enumerated() {
      result.append(("page \(index) of \(reader.schema.fields[column].name)", page.offset..<(page.offset + page.storedLength)))
    }
  }
  // Zero padding before 64-byte aligned pages: not covered by a checksum, never read.
  for page in reader.pages.flatMap({ $0 }).sorted(by: { $0.offset < $1.offset }) {
    if page.offset > end { result.append(("padding", end..<page.offset)) }
    end = page.offset + page.storedLength
  }
  let trailerStart = reader.fileSize - 40
  let footerStart = reader.pages.flatMap { $0 }.map { $0.offset + $0.storedLength }.max()!
  result.append(("footer", footerStart..<trailerStart))
  result.append(("trailer", trailerStart..<reader.fileSize))
  return result
}

@Test func flippedBytesInEveryRegionAreDetected() throws {
  try withSampleFile { directory, url, original, batch in
    let rows = [0, 599, 17, 300, 301, 42]
    let expectedTake = try batch.take(rows: rows)
    var random = SeededGenerator(seed: 7)
    let damaged = directory.appendingPathComponent("damaged.qdf")
    var detected = 0
    var harmless = 0
    for (name, range) in try regions(of: url) {
      // Every byte of the header and trailer, 2 positions of each padding gap, 15 random
      // positions of every page and of the footer.
      let positions =
        name == "padding" ? (0..<2).map { _ in Int.random(in: range, using: &random) }
        : range.count <= 64 ? Array(range) : (0..<15).map { _ in Int.random(in: range, using: &random) }
      for position in positions {
        var bytes = original
        bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
        try bytes.write(to: damaged)
        // `take` alone, on a fresh reader (it reads single row groups): values or a typed error.
        do {
          let taken = try DataFileReader(url: damaged).take(rowOffsets: rows)
          #expect(taken == expectedTake, "flip at \(position) in \(name) changed taken values silently")
        } catch let error as FormatError {
          #expect(error.message.contains(damaged.path), "\(error) does not name the file")
        }
        do {
          let (all, taken) = try readEverything(damaged, rows: rows)
          // Only a flip the checksums do not cover may pass, and then nothing may differ.
          #expect(name == "padding", "flip at \(position) in \(name) was not detected")
          #expect(all == batch, "flip at \(position) in \(name) changed values silently")
          #expect(taken == expectedTake, "flip at \(position) in \(name) changed taken values silently")
          harmless += 1
        } catch let error as FormatError {
          #expect(error.message.contains(damaged.path), "\(error) does not name the file")
          detected += 1
        }
      }
    }
    #expect(detected > 200)
    #expect(harmless > 0, "padding flips were tried")
  }
}

@Test func truncationAtManyLengthsIsATypedError() throws {
  try withSampleFile { directory, url, original, _ in
    let damaged = directory.appendingPathComponent("short.qdf")
    var random = SeededGenerator(seed: 9)
    let lengths = Array(0..<80) + (0..<150).map { _ in Int.random(in: 0..<original.count, using: &random) } + Array((original.count - 60)..<original.count)
    for length in lengths {
      try original.prefix(length).write(to: damaged)
      #expect(throws: FormatError.self, "length \(length)") { _ = try readEverything(damaged, rows: [0]) }
    }
    // The canonical case: the end is missing.
    try original.prefix(original.count - 1).write(to: damaged)
    #expect(throws: FormatError.self) { try DataFileReader(url: damaged) }
    do {
      _ = try DataFileReader(url: damaged)
    } catch let error as FormatError {
      #expect(error.code == .truncatedFile)
      #expect(error.message.contains("short.qdf"))
    }
  }
}

@Test func fileShrinkingUnderAnOpenReaderIsATypedError() throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let (url, _) = try sampleFile(in: directory)
  let reader = try DataFileReader(url: url)
  let handle = try FileHandle(forWritingTo: url)
  try handle.truncate(atOffset: UInt64(reader.pages[4][1].offset + 10))
  try handle.close()
  #expect(throws: FormatError.self) { try reader.readColumn("vector") }
  do {
    _ = try reader.take(rowOffsets: [599], columns: ["vector"])
    Issue.record("no error")
  } catch let error as FormatError {
    #expect(error.code == .truncatedFile)
  }
}

private func expectCode(_ code: FormatError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
  do {
    try body()
    Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
  } catch let error as FormatError {
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
  } catch {
    Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
  }
}

/// Rewrites the footer (and the trailer's checksums) of `url` after `change`.
private func rewriteFooter(_ url: URL, header: ((inout [UInt8]) -> Void)? = nil, version: UInt32 = 1, _ change: (inout DataFileFooter) -> Void) throws {
  let reader = try DataFileReader(url: url)
  var bytes = [UInt8](try Data(contentsOf: url))
  let footerStart = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 40, as: UInt64.self) })
  var footer = DataFileFooter(rowCount: reader.rowCount, schema: reader.schema, pages: reader.pages)
  change(&footer)
  let encoded = footer.encoded()
  bytes.removeLast(bytes.count - footerStart)
  bytes += encoded
  var trailer: [UInt8] = []
  func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { trailer += $0 } }
  append(UInt64(footerStart))
  append(UInt64(encoded.count))
  append(CRC32C.checksum(encoded))
  append(UInt32(0))
  let versionBytes = withUnsafeBytes(of: version.littleEndian) { [UInt8]($0) }
  append(CRC32C.checksum(versionBytes, continuing: CRC32C.checksum(trailer)))
  trailer += versionBytes
  trailer += Array("QUIVERDF".utf8)
  bytes += trailer
  header?(&bytes)
  try Data(bytes).write(to: url)
}

@Test func specificDamageGivesSpecificErrors() throws {
  try withSampleFile { directory, url, original, _ in
    let copy = directory.appendingPathComponent("copy.qdf")
    func fresh() throws { try original.write(to: copy) }

    try fresh()
    var bytes = original
    bytes[0] = UInt8(ascii: "X")
    try bytes.write(to: copy)
    expectCode(.badMagic) { _ = try DataFileReader(url: copy) }

    try fresh()
    try rewriteFooter(copy, header: { $0[8] = 2 }, version: 2) { _ in }
    expectCode(.unsupportedVersion) { _ = try DataFileReader(url: copy) }

    try fresh()
    try rewriteFooter(copy) { $0.pages[2][1].offset = 1 << 40 }
    expectCode(.corruptFile) { _ = try DataFileReader(url: copy) }
    do { _ = try DataFileReader(url: copy) } catch let error as FormatError {
      #expect(error.message.contains("page 1 of column 'name'"))
      #expect(error.message.contains("copy.qdf"))
    }

    try fresh()
    try rewriteFooter(copy) { $0.pages[0][0].rowCount += 1 }
    expectCode(.corruptFile) { _ = try DataFileReader(url: copy) }

    try fresh()
    let reader = try DataFileReader(url: copy)
    bytes = original
    bytes[reader.pages[4][2].offset + 5] ^= 0x10
    try bytes.write(to: copy)
    expectCode(.checksumMismatch) { _ = try DataFileReader(url: copy).readColumn("vector") }

    try fresh()
    bytes = original
    bytes[bytes.count - 60] ^= 0x01
    try bytes.write(to: copy)
    expectCode(.checksumMismatch) { _ = try DataFileReader(url: copy) }
  }
}

/// Damage the checksums cannot catch (as if a CRC collided): page bytes flipped and the page
/// CRC recomputed, or footer fields changed with valid checksums. The decoder and the reader
/// must still never crash or read out of bounds; they either throw or return some batch.
@Test func damageBehindValidChecksumsNeverCrashes() throws {
  try withSampleFile { directory, url, original, _ in
    let reader = try DataFileReader(url: url)
    let copy = directory.appendingPathComponent("forged.qdf")
    var random = SeededGenerator(seed: 1234)
    var thrown = 0
    for _ in 0..<300 {
      let column = Int.random(in: 0..<reader.pages.count, using: &random)
      let pageIndex = Int.random(in: 0..<reader.pages[column].count, using: &random)
      let page = reader.pages[column][pageIndex]
      var bytes = [UInt8](original)
      for _ in 0..<Int.random(in: 1...3, using: &random) {
        bytes[Int.random(in: page.offset..<(page.offset + page.storedLength), using: &random)] = UInt8.random(in: 0...255, using: &random)
      }
      try Data(bytes).write(to: copy)
      let checksum = CRC32C.checksum(Array(bytes[page.offset..<(page.offset + page.storedLength)]))
      try rewriteFooter(copy) { $0.pages[column][pageIndex].checksum = checksum }
      do {
        let forged = try DataFileReader(url: copy)
        _ = try forged.read()
        _ = try forged.take(rowOffsets: [0, reader.rowCount - 1, page.firstRow])
      } catch is FormatError { thrown += 1 }
    }
    #expect(thrown > 50)
    // Footer fields with valid checksums: counts, lengths, encodings.
    for trial in 0..<200 {
      try original.write(to: copy)
      try rewriteFooter(copy) { footer in
        let column = Int.random(in: 0..<footer.pages.count, using: &random)
        let pageIndex = Int.random(in: 0..<footer.pages[column].count, using: &random)
        switch trial % 6 {
        case 0: footer.pages[column][pageIndex].bodyLength = Int.random(in: 0..<5000, using: &random)
        case 1: footer.pages[column][pageIndex].nullCount = Int.random(in: 0...footer.pages[column][pageIndex].rowCount, using: &random)
        case 2: footer.pages[column][pageIndex].encoding = PageEncoding.allCases.randomElement(using: &random)!
        case 3: footer.pages[column][pageIndex].storedLength = Int.random(in: 0..<3000, using: &random)
        case 4: footer.pages[column][pageIndex].compression = PageCompression.allCases.randomElement(using: &random)!
        default: footer.pages[column][pageIndex].offset = Int.random(in: 0..<(original.count / 64), using: &random) * 64
        }
      }
      do {
        let forged = try DataFileReader(url: copy)
        _ = try forged.read()
        _ = try forged.take(rowOffsets: [0, 599, 300])
      } catch is FormatError {}
    }
  }
}

/// A file whose plain fixed-width pages hold several row-checksum groups: 384-d vectors
/// (2 rows per group), nullable 8-d vectors (128 rows per group, 2 groups per page), nullable
/// 3-byte vectors (1,365 rows per group) and float64 (512 rows per group).
private func rowGroupFile(in directory: URL) throws -> (URL, RecordBatch) {
  var random = SeededGenerator(seed: 99)
  let count = 3_000
  let batch = try RecordBatch(columns: [
    "wide": try randomColumn(.fixedSizeList(.float32, dimension: 384), count: count, nulls: .none, using: &random),
    "narrow": try randomColumn(.fixedSizeList(.float32, dimension: 8), count: count, nulls: .random, using: &random),
    "bytes": try randomColumn(.fixedSizeList(.uint8, dimension: 3), count: count, nulls: .alternating, using: &random),
    "real": try randomColumn(.float64, count: count, nulls: .none, using: &random),
  ])
  let url = directory.appendingPathComponent("groups.qdf")
  let options = DataFileWriterOptions(pageSize: 8_192, compressionLevel: nil, synchronizeOnFinish: false)
  let writer = try DataFileWriter(url: url, schema: batch.schema, options: options)
  try writer.write(batch)
  _ = try writer.finish()
  return (url, batch)
}

/// A flipped bit inside the rows `take` reads (values, validity bits, the row-checksum table)
/// is a `.checksumMismatch` naming the file, column, page and row; rows of the other groups of
/// the same page still come back exact.
@Test func flippedBytesInTakenRowsAreDetected() throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let (url, batch) = try rowGroupFile(in: directory)
  let original = [UInt8](try Data(contentsOf: url))
  let reader = try DataFileReader(url: url)
  let damaged = directory.appendingPathComponent("damaged-row.qdf")
  var random = SeededGenerator(seed: 2024)
  var detected: [String: Int] = [:]
  for (column, field) in reader.schema.fields.enumerated() {
    let width = field.type.byteWidth!
    let rowsPerGroup = RowChecksumLayout.rowsPerGroup(rowBytes: width)
    for trial in 0..<24 {
      let pageIndex = Int.random(in: 0..<reader.pages[column].count, using: &random)
      let page = reader.pages[column][pageIndex]
      let layout = try #require(page.rowChecksums)
      #expect(layout.rowsPerGroup == rowsPerGroup)
      let valuesStart = page.offset + page.validityLength
      // Trials cycle through the three places a row's bytes come from.
      let region = page.nullCount == 0 ? (trial % 3 == 1 ? 0 : trial % 3) : trial % 3
      let position: Int
      let row: Int?  // the page row whose bytes were hit, nil for the table
      switch region {
      case 0:
        row = Int.random(in: 0..<page.rowCount, using: &random)
        position = valuesStart + row! * width + Int.random(in: 0..<width, using: &random)
      case 1:
        row = Int.random(in: 0..<page.rowCount, using: &random)
        position = page.offset + row! / 8
      default:
        row = nil
        position = page.offset + page.bodyLength + Int.random(in: 0..<(page.storedLength - page.bodyLength), using: &random)
      }
      var bytes = original
      bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
      try Data(bytes).write(to: damaged)
      let fresh = try DataFileReader(url: damaged)
      let target = page.firstRow + (row ?? Int.random(in: 0..<page.rowCount, using: &random))
      do {
        _ = try fresh.take(rowOffsets: [target], columns: [field.name])
        Issue.record("flip at \(position) (region \(region)) of page \(pageIndex) of \(field.name) was not detected")
      } catch let error as FormatError {
        #expect(error.code == .checksumMismatch, "\(error)")
        #expect(error.message.contains(damaged.path) && error.message.contains("column '\(field.name)'"), "\(error)")
        #expect(error.message.contains("page \(pageIndex) "), "\(error)")
        if row != nil { #expect(error.message.contains("row \(target) "), "\(error)") }
        detected[field.name, default: 0] += 1
      }
      // Rows of groups whose bytes were not touched read back exactly.
      if let row {
        let hitGroups = region == 1
          ? Set(((row / 8 * 8)..<min(page.rowCount, row / 8 * 8 + 8)).map { $0 / rowsPerGroup })
          : [row / rowsPerGroup]
        let others = (0..<page.rowCount).filter { !hitGroups.contains($0 / rowsPerGroup) }.map { page.firstRow + $0 }
        if !others.isEmpty {
          let wanted = (0..<4).map { _ in others.randomElement(using: &random)! }
          #expect(try fresh.take(rowOffsets: wanted, columns: [field.name]) == batch.take(rows: wanted).selecting(columns: [field.name]))
        }
      }
      // Reading the whole column checks the page CRC.
      #expect(throws: FormatError.self) { try fresh.readColumn(field.name) }
    }
  }
  #expect(detected.count == 4 && detected.values.allSatisfy { $0 == 24 }, "\(detected)")
}

/// Take over many rows of every column agrees with the batch, including runs of adjacent groups
/// read with one pread and repeated rows, on a reader whose table cache is already warm.
@Test func takeAcrossRowGroupsMatchesTheBatch() throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let (url, batch) = try rowGroupFile(in: directory)
  let reader = try DataFileReader(url: url)
  var random = SeededGenerator(seed: 5)
  for _ in 0..<3 {
    var rows = (0..<400).map { _ in Int.random(in: 0..<batch.rowCount, using: &random) }
    rows += Array(1_000..<1_300) + [7, 7, 2_999, 0]
    rows.shuffle(using: &random)
    #expect(try reader.take(rowOffsets: rows) == batch.take(rows: rows))
  }
  #expect(try reader.take(rowOffsets: Array(0..<batch.rowCount)) == batch)
}
