import Dispatch
import Foundation
import QuiverKernels
import QuiverStorage

/// Writes one data file (Docs/Format.md "Data files") batch by batch with bounded memory: each
/// column keeps at most about one page of pending rows; full pages are encoded and written at
/// once, in order, as one stream (a `StorageWriter`): nothing is visible at the destination
/// until `finish()` returns, and a writer that fails or is dropped unfinished leaves nothing.
///
/// ```swift
/// let writer = try DataFileWriter(url: url, schema: batch.schema)
/// try writer.write(batch)
/// let statistics = try writer.finish()
/// ```
/// Not thread-safe: use one writer from one task.
public final class DataFileWriter {
  /// The file's schema.
  public let schema: Schema
  /// The options in use.
  public let options: DataFileWriterOptions
  private let output: any StorageWriter
  private let location: String
  private var position = 0
  private var rowCount = 0
  private var pending: [[Column]]
  private var pendingRows: [Int]
  private var pendingBytes: [Int]
  private var pages: [[PageMetadata]]
  private var rawBytes: [Int]
  private var closed = false

  /// Creates the local file at `url` and writes its header.
  /// - Throws: `FormatError.ioFailure` when the file cannot be created (or exists and
  ///   `options.overwrite` is false); `.invalidArgument` for a page size below 1.
  public convenience init(url: URL, schema: Schema, options: DataFileWriterOptions = DataFileWriterOptions()) throws {
    let output = try FormatError.translatingStorageErrors {
      try LocalFileWriter(
        path: url.path, replaceExisting: options.overwrite, synchronous: options.synchronizeOnFinish)
    }
    try self.init(output: output, location: url.path, schema: schema, options: options)
  }

  /// Writes the data file into `output` (a new object of a `Storage`, whose durability the
  /// storage decides; `options.overwrite` and `synchronizeOnFinish` do not apply); `location`
  /// names it in messages. The header is written at once.
  /// - Throws: `.invalidArgument` for a page size below 1, `.ioFailure`.
  package init(
    output: any StorageWriter, location: String, schema: Schema,
    options: DataFileWriterOptions = DataFileWriterOptions()
  ) throws {
    self.output = output
    self.location = location
    guard options.pageSize >= 1 else {
      throw FormatError(.invalidArgument, "page size \(options.pageSize) is below 1 byte")
    }
    if let level = options.compressionLevel, level < 1 || level > 22 {
      throw FormatError(.invalidArgument, "zstd level \(level) is outside 1...22")
    }
    self.schema = schema
    self.options = options
    pending = Array(repeating: [], count: schema.count)
    pendingRows = Array(repeating: 0, count: schema.count)
    pendingBytes = Array(repeating: 0, count: schema.count)
    pages = Array(repeating: [], count: schema.count)
    rawBytes = Array(repeating: 0, count: schema.count)
    var header = ByteWriter(capacity: DataFileLayout.headerLength)
    header.write(DataFileLayout.magic)
    header.write(DataFileLayout.formatVersion)
    header.write(UInt32(0))
    try emit(header.bytes)
  }

  /// Appends the rows of `batch`.
  /// - Throws: `FormatError.schemaMismatch` when the batch's column names or types differ from
  ///   the file's, `.invalidColumn` for nulls in a non-nullable column, `.writerClosed` after
  ///   `finish()` or an earlier failure, `.ioFailure`.
  public func write(_ batch: RecordBatch) throws {
    guard !closed else { throw FormatError(.writerClosed, "data file '\(location)' is already finished") }
    guard batch.schema.count == schema.count else {
      throw FormatError(.schemaMismatch, "batch (\(batch.schema)) does not match data file '\(location)' (\(schema))")
    }
    for (index, field) in schema.fields.enumerated() {
      let other = batch.schema.fields[index]
      guard other.name == field.name, other.type == field.type else {
        throw FormatError(
          .schemaMismatch, "batch column \(index) is '\(other.name): \(other.type)', data file '\(location)' expects '\(field.name): \(field.type)'")
      }
      if !field.nullable && batch.columns[index].hasNulls {
        throw FormatError(.invalidColumn, "column '\(field.name)' is not nullable but the batch has nulls in it")
      }
    }
    guard rowCount + batch.rowCount <= Int(UInt32.max) else {
      throw FormatError(.invalidArgument, "data file '\(location)' would exceed \(UInt32.max) rows")
    }
    do {
      var jobs: [(column: Int, rows: Column)] = []
      for (index, column) in batch.columns.enumerated() where column.count > 0 {
        pending[index].append(column)
        pendingRows[index] += column.count
        let bytes = Self.plainBytes(column)
        pendingBytes[index] += bytes
        rawBytes[index] += bytes
        if pendingBytes[index] >= options.pageSize {
          jobs += try cutPages(column: index, final: false).map { (index, $0) }
        }
      }
      try writePages(jobs)
      rowCount += batch.rowCount
    } catch {
      closed = true
      output.abort()
      throw error
    }
  }

  /// Writes the remaining pages, the footer and the trailer, syncs the file and closes the
  /// writer.
  /// - Returns: sizes and encodings per column.
  /// - Throws: `.writerClosed` when called twice, `.ioFailure`.
  public func finish() throws -> DataFileStatistics {
    guard !closed else { throw FormatError(.writerClosed, "data file '\(location)' is already finished") }
    closed = true
    do {
      try writeRemainder()
    } catch {
      output.abort()
      throw error
    }
    let columns = schema.fields.enumerated().map { index, field in
      var perEncoding: [PageEncoding: Int] = [:]
      for page in pages[index] { perEncoding[page.encoding, default: 0] += 1 }
      return ColumnWriteStatistics(
        name: field.name, type: field.type, pageCount: pages[index].count,
        nullCount: pages[index].reduce(0) { $0 + $1.nullCount }, rawBytes: rawBytes[index],
        encodedBytes: pages[index].reduce(0) { $0 + $1.storedLength },
        pagesPerEncoding: perEncoding,
        compressedPages: pages[index].filter { $0.compression == .zstd }.count)
    }
    return DataFileStatistics(path: location, rowCount: rowCount, fileBytes: position, columns: columns)
  }

  /// Writes the pending pages, the footer and the trailer, and finishes the output.
  private func writeRemainder() throws {
    var jobs: [(column: Int, rows: Column)] = []
    for index in 0..<schema.count { jobs += try cutPages(column: index, final: true).map { (index, $0) } }
    try writePages(jobs)
    let footer = DataFileFooter(rowCount: rowCount, schema: schema, pages: pages).encoded()
    let footerOffset = position
    var trailer = ByteWriter(capacity: DataFileLayout.trailerLength)
    trailer.write(UInt64(footerOffset))
    trailer.write(UInt64(footer.count))
    trailer.write(CRC32C.checksum(footer))
    trailer.write(UInt32(0))
    let versionBytes = ByteWriterHelpers.littleEndian(DataFileLayout.formatVersion)
    trailer.write(CRC32C.checksum(versionBytes, continuing: CRC32C.checksum(trailer.bytes)))
    trailer.write(versionBytes)
    trailer.write(DataFileLayout.magic)
    try emit(footer + trailer.bytes)
    try FormatError.translatingStorageErrors { try output.finish() }
  }

  /// Appends `bytes` at `position`, the end of what was written.
  private func emit(_ bytes: [UInt8]) throws {
    try FormatError.translatingStorageErrors { try output.write(bytes) }
    position += bytes.count
  }

  /// Plain-form bytes of a column (page sizing and raw-size statistics).
  static func plainBytes(_ column: Column) -> Int {
    if let width = column.dataType.byteWidth { return column.count * width }
    return Int(column.offsets[column.start + column.count] - column.offsets[column.start]) + 4 * column.count
  }

  /// Removes full pages from the pending rows of `column` (all rows when `final`) and returns
  /// them. A page is a slice of one pending part when it fits in it; only pages spanning parts
  /// are copied.
  private func cutPages(column index: Int, final: Bool) throws -> [Column] {
    var result: [Column] = []
    let type = schema.fields[index].type
    var parts = pending[index]
    var rows = pendingRows[index]
    var bytes = pendingBytes[index]
    while rows > 0 {
      // Rows of the next page, taken from the front of `parts`.
      var pageRows = 0
      if let width = type.byteWidth {
        let rowsPerPage = max(1, options.pageSize / max(width, 1))
        guard rows >= rowsPerPage || final else { break }
        pageRows = min(rows, rowsPerPage)
      } else {
        var pageBytes = 0
        outer: for part in parts {
          for row in 0..<part.count {
            pageBytes += Int(part.offsets[part.start + row + 1] - part.offsets[part.start + row]) + 4
            pageRows += 1
            if pageBytes >= options.pageSize { break outer }
          }
        }
        guard pageBytes >= options.pageSize || final else { break }
      }
      var pieces: [Column] = []
      var needed = pageRows
      while needed > 0 {
        let part = parts[0]
        if part.count <= needed {
          pieces.append(part)
          needed -= part.count
          parts.removeFirst()
        } else {
          pieces.append(part.slice(0..<needed))
          parts[0] = part.slice(needed..<part.count)
          needed = 0
        }
      }
      let page = pieces.count == 1 ? pieces[0] : try Column.concatenate(pieces, dataType: type)
      result.append(page)
      rows -= pageRows
      bytes -= Self.plainBytes(page)
    }
    pending[index] = parts
    pendingRows[index] = rows
    pendingBytes[index] = bytes
    return result
  }

  /// Encodes the pages (on up to `options.encodingConcurrency` threads) and writes them in order.
  private func writePages(_ jobs: [(column: Int, rows: Column)]) throws {
    guard !jobs.isEmpty else { return }
    let prepared: [PreparedPage]
    if jobs.count == 1 || options.encodingConcurrency <= 1 {
      prepared = jobs.map { prepare($0.rows, field: schema.fields[$0.column]) }
    } else {
      let slots = ConcurrentSlots<PreparedPage>(count: jobs.count)
      let fields = schema.fields
      let options = options
      let groups = min(options.encodingConcurrency, jobs.count)
      DispatchQueue.concurrentPerform(iterations: groups) { group in
        for job in stride(from: group, to: jobs.count, by: groups) {
          slots.store(Self.prepare(jobs[job].rows, field: fields[jobs[job].column], options: options), at: job)
        }
      }
      prepared = slots.take()
    }
    for (job, page) in zip(jobs, prepared) { try append(page, column: job.column) }
  }

  private func prepare(_ rows: Column, field: Field) -> PreparedPage {
    Self.prepare(rows, field: field, options: options)
  }

  /// Encodes, compresses (when it pays) and checksums one page; pure, so pages can be prepared
  /// concurrently.
  static func prepare(_ rows: Column, field: Field, options: DataFileWriterOptions) -> PreparedPage {
    var body: [UInt8] = []
    let encoded = PageEncoder.encode(rows, statistics: options.writeStatistics, reusing: &body)
    var stored = body
    var compression = PageCompression.none
    if let level = options.compressionLevel,
      !field.type.isVector || options.compressedVectorColumns.contains(field.name)
    {
      let compressed = body.withUnsafeBytes { Zstd.compress($0, level: level) }
      if Double(compressed.count) <= Double(body.count) * DataFileLayout.compressionKeepRatio {
        stored = compressed
        compression = .zstd
      }
    }
    var rowChecksums: RowChecksumLayout? = nil
    if RowChecksumLayout.applies(to: field.type, encoding: encoded.encoding, compression: compression) {
      // One CRC32C per ~4 KiB of rows after the body, so `take` can verify single rows.
      let width = field.type.byteWidth!
      let rowsPerGroup = RowChecksumLayout.rowsPerGroup(rowBytes: width)
      let table = body.withUnsafeBytes {
        RowChecksumLayout.table(
          body: $0, rows: rows.count, width: width,
          validityLength: encoded.nullCount == 0 ? 0 : ValidityLayout.paddedLength(rows: rows.count),
          rowsPerGroup: rowsPerGroup)
      }
      stored.append(contentsOf: table)
      rowChecksums = RowChecksumLayout(rowsPerGroup: rowsPerGroup, tableChecksum: CRC32C.checksum(table))
    }
    return PreparedPage(
      stored: stored, bodyLength: body.count, rowCount: rows.count, nullCount: encoded.nullCount,
      encoding: encoded.encoding, compression: compression, checksum: CRC32C.checksum(stored),
      statistics: encoded.statistics, rowChecksums: rowChecksums)
  }

  /// Writes a prepared page at the next 64-byte boundary and records it in the page index.
  private func append(_ prepared: PreparedPage, column index: Int) throws {
    let field = schema.fields[index]
    let stored = prepared.stored
    let offset = (position + DataFileLayout.pageAlignment - 1) / DataFileLayout.pageAlignment * DataFileLayout.pageAlignment
    if offset > position {
      // Explicit zeros rather than a hole, so the padding is on disk like every other byte.
      try emit([UInt8](repeating: 0, count: offset - position))
    }
    try emit(stored)
    let firstRow = pages[index].last.map { $0.firstRow + $0.rowCount } ?? 0
    var page = PageMetadata(
      offset: offset, storedLength: stored.count, bodyLength: prepared.bodyLength,
      firstRow: firstRow, rowCount: prepared.rowCount, nullCount: prepared.nullCount,
      encoding: prepared.encoding, compression: prepared.compression, checksum: prepared.checksum)
    page.statisticsBytes = prepared.statistics
    page.rowChecksums = prepared.rowChecksums
    if let bytes = prepared.statistics {
      page.statistics = PageStatisticsCodec.decode(minimum: bytes.minimum, maximum: bytes.maximum, type: field.type)
    }
    pages[index].append(page)
  }
}

/// A page ready to be written: stored bytes and what the page index records.
struct PreparedPage: Sendable {
  var stored: [UInt8]
  var bodyLength: Int
  var rowCount: Int
  var nullCount: Int
  var encoding: PageEncoding
  var compression: PageCompression
  var checksum: UInt32
  var statistics: StatisticsBytes?
  var rowChecksums: RowChecksumLayout?
}

