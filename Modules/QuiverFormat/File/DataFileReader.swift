import Foundation
import QuiverKernels
import QuiverStorage

/// Reads a data file (Docs/Format.md "Data files") through a `StorageReader`: opening reads only
/// the header, trailer and footer; columns, row ranges and single rows are read on demand by
/// range (`pread` locally), so a file that shrinks under the reader produces
/// `FormatError.truncatedFile`, never a crash.
///
/// Every page read in full is checked against its CRC32C before it is decoded; rows that `take`
/// reads from plain fixed-width pages are checked against their row-group CRC32C. Nothing is
/// returned unchecked. Thread-safe: reads are positional and the only mutable state, a cache of
/// row-checksum tables, is behind a lock.
public final class DataFileReader: Sendable {
  /// The file's path (or storage location), for messages.
  public let path: String
  /// The file's schema.
  public let schema: Schema
  /// Rows in the file.
  public let rowCount: Int
  /// The file size when it was opened.
  public let fileSize: Int
  /// Per field (schema order), its pages in row order.
  public let pages: [[PageMetadata]]
  let file: any StorageReader
  /// Row-checksum tables read so far by `take` (a few bytes per page).
  let rowChecksumTables = RowChecksumTableCache()

  /// Opens a data file by reading its header, trailer and footer.
  /// - Throws: `FormatError` — `.truncatedFile`, `.badMagic`, `.unsupportedVersion`,
  ///   `.checksumMismatch`, `.corruptFile` (each naming the file), `.ioFailure`.
  public convenience init(url: URL) throws { try self.init(path: url.path) }

  /// Opens the local data file at `path`; see `init(url:)`.
  public convenience init(path: String) throws {
    let file = try FormatError.translatingStorageErrors { try LocalFileReader(path: path) }
    try self.init(file: file, location: path)
  }

  /// Opens the data file read by `file` (from a `Storage`); `location` names it in messages.
  /// - Throws: as `init(url:)`.
  package init(file: any StorageReader, location: String) throws {
    self.path = location
    self.file = file
    let name = "data file '\(location)'"
    let size = file.size
    func read(at offset: Int, count: Int) throws -> [UInt8] {
      try FormatError.translatingStorageErrors { try file.read(at: offset, count: count) }
    }
    fileSize = size
    let minimum = DataFileLayout.headerLength + DataFileLayout.trailerLength
    guard size >= minimum else {
      throw FormatError(.truncatedFile, "\(name) is \(size) bytes, shorter than the \(minimum) bytes of an empty data file")
    }
    let header = try read(at: 0, count: DataFileLayout.headerLength)
    guard Array(header[0..<8]) == DataFileLayout.magic else {
      throw FormatError(.badMagic, "\(name) does not start with the magic QUIVERDF")
    }
    let version = header.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) }
    guard version >= 1, version <= DataFileLayout.formatVersion else {
      throw FormatError(.unsupportedVersion, "\(name) has format version \(version); this reader reads versions 1...\(DataFileLayout.formatVersion)")
    }
    let flags = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self) }
    guard flags == 0 else { throw FormatError(.corruptFile, "\(name): header flags are \(flags), expected 0") }

    let trailerOffset = size - DataFileLayout.trailerLength
    let trailer = try read(at: trailerOffset, count: DataFileLayout.trailerLength)
    guard Array(trailer[32..<40]) == DataFileLayout.magic else {
      throw FormatError(.truncatedFile, "\(name) does not end with the magic QUIVERDF: it is truncated or was not finished")
    }
    let (footerOffset64, footerLength64, footerChecksum, reserved, trailerChecksum, trailerVersion) =
      trailer.withUnsafeBytes { raw in
        (
          UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
          UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
          UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)),
          UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 20, as: UInt32.self)),
          UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt32.self)),
          UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
        )
      }
    guard trailerVersion == version else {
      if trailerVersion > DataFileLayout.formatVersion {
        throw FormatError(.unsupportedVersion, "\(name) has format version \(trailerVersion) in its trailer; this reader reads versions 1...\(DataFileLayout.formatVersion)")
      }
      throw FormatError(.corruptFile, "\(name): trailer version \(trailerVersion) differs from header version \(version)")
    }
    let expectedTrailerChecksum = CRC32C.checksum(Array(trailer[28..<32]), continuing: CRC32C.checksum(Array(trailer[0..<24])))
    guard trailerChecksum == expectedTrailerChecksum else {
      throw FormatError(.checksumMismatch, "\(name): the trailer does not match its CRC32C")
    }
    guard reserved == 0 else { throw FormatError(.corruptFile, "\(name): trailer reserved field is \(reserved)") }
    guard footerOffset64 >= UInt64(DataFileLayout.headerLength), footerOffset64 <= UInt64(trailerOffset),
      footerLength64 == UInt64(trailerOffset) - footerOffset64
    else {
      throw FormatError(.corruptFile, "\(name): footer at \(footerOffset64) length \(footerLength64) does not end at the trailer (byte \(trailerOffset))")
    }
    let footerOffset = Int(footerOffset64)
    let footerBytes = try read(at: footerOffset, count: Int(footerLength64))
    guard CRC32C.checksum(footerBytes) == footerChecksum else {
      throw FormatError(.checksumMismatch, "\(name): the footer does not match its CRC32C")
    }
    let footer = try FormatError.translatingStorageErrors {
      try footerBytes.withUnsafeBytes {
        try DataFileFooter.decode($0, footerOffset: footerOffset, context: name)
      }
    }
    schema = footer.schema
    rowCount = footer.rowCount
    pages = footer.pages
  }

  /// `count` bytes at `offset` of the file.
  /// - Throws: `.truncatedFile` if the file is shorter, `.ioFailure`.
  func readBytes(at offset: Int, count: Int) throws -> [UInt8] {
    try FormatError.translatingStorageErrors { try file.read(at: offset, count: count) }
  }

  /// Fills `buffer` with the bytes at `offset` of the file.
  /// - Throws: `.truncatedFile` if the file is shorter, `.ioFailure`.
  func readBytes(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    try FormatError.translatingStorageErrors { try file.read(at: offset, into: buffer) }
  }

  /// The pages of the column named `name`.
  /// - Throws: `FormatError.columnNotFound`.
  public func pages(of name: String) throws -> [PageMetadata] { pages[try columnIndex(name)] }

  func columnIndex(_ name: String) throws -> Int {
    guard let index = schema.index(of: name) else {
      throw FormatError(.columnNotFound, "column '\(name)' is not in data file '\(path)' (\(schema.names.joined(separator: ", ")))")
    }
    return index
  }

  func columnIndices(_ names: [String]?) throws -> [Int] {
    guard let names else { return Array(schema.fields.indices) }
    return try names.map(columnIndex)
  }

  /// Reads, verifies and decodes one page.
  /// - Throws: `.checksumMismatch`, `.corruptFile`, `.truncatedFile`, `.ioFailure`.
  public func readPage(column: Int, page pageIndex: Int) throws -> Column {
    precondition(column >= 0 && column < pages.count && pageIndex >= 0 && pageIndex < pages[column].count,
      "DataFileReader.readPage: no page \(pageIndex) of column \(column)")
    let page = pages[column][pageIndex]
    let field = schema.fields[column]
    let context = "data file '\(path)' page \(pageIndex) of column '\(field.name)'"
    var stored = try readBytes(at: page.offset, count: page.storedLength)
    guard CRC32C.checksum(stored) == page.checksum else {
      throw FormatError(.checksumMismatch, "\(context) does not match its CRC32C")
    }
    if let rowChecksums = page.rowChecksums {
      let tableChecksum = stored.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[page.bodyLength...])) }
      guard tableChecksum == rowChecksums.tableChecksum else {
        throw FormatError(.corruptFile, "\(context): its row-checksum table does not match the CRC32C in the page index")
      }
      stored.removeLast(page.rowChecksumTableLength)
    }
    let body: [UInt8]
    switch page.compression {
    case .none: body = stored
    case .zstd: body = try stored.withUnsafeBytes { try Zstd.decompress($0, expectedLength: page.bodyLength, context: context) }
    }
    let column = try FormatError.translatingStorageErrors {
      try PageDecoder.decode(body, page: page, type: field.type, context: context)
    }
    guard field.nullable || !column.hasNulls else {
      throw FormatError(.corruptFile, "\(context) has nulls in a non-nullable column")
    }
    return column
  }

  /// The index of the page of `column` holding `row` (binary search).
  func pageIndex(column: Int, row: Int) -> Int {
    let columnPages = pages[column]
    var low = 0
    var high = columnPages.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if columnPages[middle].firstRow <= row { low = middle } else { high = middle - 1 }
    }
    return low
  }

  /// Reads one column over a row range (all rows by default), touching only the pages that
  /// overlap it.
  /// - Throws: `.columnNotFound`, `.rowOutOfRange`, and the errors of `readPage`.
  public func readColumn(_ name: String, rows: Range<Int>? = nil) throws -> Column {
    try readColumn(index: try columnIndex(name), rows: rows ?? 0..<rowCount)
  }

  func readColumn(index: Int, rows: Range<Int>) throws -> Column {
    guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
      throw FormatError(.rowOutOfRange, "rows \(rows) are outside 0..<\(rowCount) of data file '\(path)'")
    }
    let type = schema.fields[index].type
    guard !rows.isEmpty else { return Column.empty(type) }
    var needed: [Int] = []
    var pageIndex = pageIndex(column: index, row: rows.lowerBound)
    while pageIndex < pages[index].count, pages[index][pageIndex].firstRow < rows.upperBound {
      needed.append(pageIndex)
      pageIndex += 1
    }
    var parts: [Column] = []
    for (pageIndex, decoded) in zip(needed, try readPages(column: index, needed)) {
      let page = pages[index][pageIndex]
      let lower = max(rows.lowerBound, page.firstRow) - page.firstRow
      let upper = min(rows.upperBound, page.firstRow + page.rowCount) - page.firstRow
      parts.append(lower == 0 && upper == page.rowCount ? decoded : decoded.slice(lower..<upper))
    }
    return try Column.concatenate(parts, dataType: type)
  }

  /// Reads a projection of columns over a row range.
  /// - Parameters:
  ///   - columns: Names in the order wanted; nil for every column. Only these columns' bytes
  ///     are read.
  ///   - rows: The row range; nil for every row.
  /// - Throws: `.columnNotFound`, `.rowOutOfRange`, and the errors of `readPage`.
  public func read(columns: [String]? = nil, rows: Range<Int>? = nil) throws -> RecordBatch {
    let indices = try columnIndices(columns)
    let range = rows ?? 0..<rowCount
    let schema = try Schema(indices.map { self.schema.fields[$0] }, metadata: self.schema.metadata)
    return try RecordBatch(schema: schema, columns: indices.map { try readColumn(index: $0, rows: range) })
  }

  /// Calls `body` with consecutive batches covering the whole file, reading each needed page
  /// once. A batch has at most `batchSize` rows and ends early where a page of one of the
  /// projected columns ends, so that batches share the decoded pages instead of copying them.
  /// - Throws: whatever `body` throws, `.columnNotFound`, and the errors of `readPage`.
  public func scan(
    columns: [String]? = nil, batchSize: Int = 65_536, _ body: (RecordBatch) throws -> Void
  ) throws {
    var scanner = try makeScanner(columns: columns, batchSize: batchSize)
    while let batch = try scanner.next() { try body(batch) }
  }

  /// A scanner that returns the file's rows batch by batch; see `scan(columns:batchSize:_:)`.
  public func makeScanner(columns: [String]? = nil, batchSize: Int = 65_536) throws -> DataFileScanner {
    guard batchSize >= 1 else { throw FormatError(.invalidArgument, "batch size \(batchSize) is below 1") }
    let indices = try columnIndices(columns)
    let schema = try Schema(indices.map { self.schema.fields[$0] }, metadata: self.schema.metadata)
    return DataFileScanner(reader: self, schema: schema, columns: indices, batchSize: batchSize)
  }
}

/// Reads a data file batch by batch (from `DataFileReader.makeScanner`); keeps a few decoded
/// pages per column (decoded together on every core).
public struct DataFileScanner {
  let reader: DataFileReader
  /// The schema of the batches.
  public let schema: Schema
  let columns: [Int]
  let batchSize: Int
  var nextRow = 0
  var current: [(page: Int, column: Column)?]
  /// Pages decoded ahead (on every core), per projected column.
  var ahead: [[Int: PageOutcome]]

  init(reader: DataFileReader, schema: Schema, columns: [Int], batchSize: Int) {
    self.reader = reader
    self.schema = schema
    self.columns = columns
    self.batchSize = batchSize
    current = Array(repeating: nil, count: columns.count)
    ahead = Array(repeating: [:], count: columns.count)
  }

  /// The next batch, or nil after the last row.
  /// - Throws: the errors of `DataFileReader.readPage`.
  public mutating func next() throws -> RecordBatch? {
    guard nextRow < reader.rowCount else { return nil }
    // The batch ends at batchSize rows or where a page of a projected column ends, so every
    // column of the batch is a slice of one decoded page (no copies).
    var end = min(reader.rowCount, nextRow + batchSize)
    var pageIndices: [Int] = []
    for (slot, column) in columns.enumerated() {
      let pageIndex: Int
      if let held = current[slot], reader.pages[column][held.page].rows.contains(nextRow) {
        pageIndex = held.page
      } else {
        pageIndex = reader.pageIndex(column: column, row: nextRow)
      }
      pageIndices.append(pageIndex)
      end = min(end, reader.pages[column][pageIndex].rows.upperBound)
    }
    var output: [Column] = []
    for (slot, column) in columns.enumerated() {
      let pageIndex = pageIndices[slot]
      if current[slot]?.page != pageIndex {
        current[slot] = nil
        if ahead[slot][pageIndex] == nil {
          // Decode this page and the next few together, on every core.
          ahead[slot] = [:]
          let upcoming = Array(pageIndex..<min(reader.pages[column].count, pageIndex + DataFileReader.pageBatch))
          for (index, decoded) in zip(upcoming, reader.readPageResults(column: column, upcoming)) {
            ahead[slot][index] = decoded
          }
        }
        // A damaged page further ahead throws only when the scan reaches it.
        current[slot] = (pageIndex, try ahead[slot].removeValue(forKey: pageIndex)!.column())
      }
      let page = reader.pages[column][pageIndex]
      let decoded = current[slot]!.column
      let lower = nextRow - page.firstRow
      let upper = end - page.firstRow
      output.append(lower == 0 && upper == page.rowCount ? decoded : decoded.slice(lower..<upper))
    }
    let rowCount = end - nextRow
    nextRow = end
    return RecordBatch(unchecked: schema, columns: output, rowCount: rowCount)
  }
}
