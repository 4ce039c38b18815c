import QuiverStorage

/// The footer of a data file: schema and page index (Docs/Format.md "Footer").
package struct DataFileFooter: Sendable, Hashable {
  /// Rows in the file.
  package var rowCount: Int
  /// The schema of the file.
  package var schema: Schema
  /// Per field, its pages in row order.
  package var pages: [[PageMetadata]]

  /// The footer bytes.
  package func encoded() -> [UInt8] {
    var writer = ByteWriter(capacity: 256 + pages.reduce(0) { $0 + $1.count * 64 })
    writer.write(UInt64(rowCount))
    writer.write(map: schema.metadata)
    writer.write(UInt32(schema.count))
    for field in schema.fields {
      writer.write(string: field.name)
      Self.write(field.type, to: &writer)
      writer.write(UInt8(field.nullable ? 1 : 0))
      writer.write(map: field.metadata)
    }
    for columnPages in pages {
      writer.write(UInt32(columnPages.count))
      for page in columnPages {
        writer.write(UInt64(page.offset))
        writer.write(UInt64(page.storedLength))
        writer.write(UInt64(page.bodyLength))
        writer.write(UInt32(page.rowCount))
        writer.write(UInt32(page.nullCount))
        writer.write(page.encoding.rawValue)
        writer.write(page.compression.rawValue)
        writer.write(UInt8(page.statisticsBytes == nil ? 0 : 1))
        writer.write(UInt8(page.rowChecksums == nil ? 0 : 1))
        writer.write(page.checksum)
        if let rowChecksums = page.rowChecksums {
          writer.write(UInt32(rowChecksums.rowsPerGroup))
          writer.write(rowChecksums.tableChecksum)
        }
        if let statistics = page.statisticsBytes {
          writer.write(lengthPrefixed: statistics.minimum)
          writer.write(lengthPrefixed: statistics.maximum)
        }
      }
    }
    return writer.bytes
  }

  static func write(_ type: DataType, to writer: inout ByteWriter) {
    switch type {
    case .bool: writer.write(UInt8(1))
    case .int8: writer.write(UInt8(2))
    case .int16: writer.write(UInt8(3))
    case .int32: writer.write(UInt8(4))
    case .int64: writer.write(UInt8(5))
    case .uint8: writer.write(UInt8(6))
    case .uint16: writer.write(UInt8(7))
    case .uint32: writer.write(UInt8(8))
    case .uint64: writer.write(UInt8(9))
    case .float16: writer.write(UInt8(10))
    case .float32: writer.write(UInt8(11))
    case .float64: writer.write(UInt8(12))
    case .utf8: writer.write(UInt8(13))
    case .binary: writer.write(UInt8(14))
    case .timestamp: writer.write(UInt8(15))
    case .date: writer.write(UInt8(16))
    case .fixedSizeList(let element, let dimension):
      writer.write(UInt8(17))
      switch element {
      case .float32: writer.write(UInt8(1))
      case .float16: writer.write(UInt8(2))
      case .uint8: writer.write(UInt8(3))
      }
      writer.write(UInt32(dimension))
    }
  }

  static func readType(_ reader: inout ByteReader) throws -> DataType {
    let code = try reader.read(UInt8.self)
    switch code {
    case 1: return .bool
    case 2: return .int8
    case 3: return .int16
    case 4: return .int32
    case 5: return .int64
    case 6: return .uint8
    case 7: return .uint16
    case 8: return .uint32
    case 9: return .uint64
    case 10: return .float16
    case 11: return .float32
    case 12: return .float64
    case 13: return .utf8
    case 14: return .binary
    case 15: return .timestamp
    case 16: return .date
    case 17:
      let elementCode = try reader.read(UInt8.self)
      let element: VectorElementType
      switch elementCode {
      case 1: element = .float32
      case 2: element = .float16
      case 3: element = .uint8
      default: throw reader.corrupt("unknown vector element type \(elementCode)")
      }
      let dimension = try reader.read(UInt32.self)
      guard dimension >= 1, dimension <= 1 << 24 else {
        throw reader.corrupt("vector dimension \(dimension) is out of range")
      }
      return .fixedSizeList(element, dimension: Int(dimension))
    default: throw reader.corrupt("unknown type code \(code)")
    }
  }

  /// Parses and checks a footer.
  /// - Parameters:
  ///   - bytes: The footer bytes (checksum already verified).
  ///   - footerOffset: Where the footer starts; every page must end at or before it.
  ///   - context: Names the file in errors.
  /// - Throws: `FormatError.corruptFile` for anything inconsistent (`StorageError.corruptData`
  ///   from the byte reader; `DataFileReader` turns it into `FormatError.corruptFile`).
  package static func decode(
    _ bytes: UnsafeRawBufferPointer, footerOffset: Int, context: String
  ) throws -> DataFileFooter {
    var reader = ByteReader(bytes, context: "\(context) footer")
    let rowCount = try reader.read(UInt64.self)
    guard rowCount <= UInt64(Int32.max) * 64 else {
      throw reader.corrupt("row count \(rowCount) is implausible")
    }
    let schemaMetadata = try reader.readMap()
    let fieldCount = try reader.readCount("field count", limit: reader.remaining / 7)
    var fields: [Field] = []
    for _ in 0..<fieldCount {
      let name = try reader.readString()
      let type = try readType(&reader)
      let nullable = try reader.read(UInt8.self)
      guard nullable <= 1 else { throw reader.corrupt("nullable flag \(nullable) of '\(name)' is not 0 or 1") }
      let metadata = try reader.readMap()
      fields.append(Field(name, type, nullable: nullable == 1, metadata: metadata))
    }
    let schema: Schema
    do {
      schema = try Schema(fields, metadata: schemaMetadata)
    } catch let error as FormatError {
      throw reader.corrupt("invalid schema: \(error.message)")
    }
    var pages: [[PageMetadata]] = []
    for field in fields {
      let pageCount = try reader.readCount("page count of '\(field.name)'", limit: reader.remaining / 40)
      var columnPages: [PageMetadata] = []
      columnPages.reserveCapacity(pageCount)
      var nextRow = 0
      for pageIndex in 0..<pageCount {
        let where_ = "page \(pageIndex) of column '\(field.name)'"
        let offset = try reader.read(UInt64.self)
        let storedLength = try reader.read(UInt64.self)
        let bodyLength = try reader.read(UInt64.self)
        let rows = Int(try reader.read(UInt32.self))
        let nulls = Int(try reader.read(UInt32.self))
        let encodingCode = try reader.read(UInt8.self)
        let compressionCode = try reader.read(UInt8.self)
        let statisticsFlag = try reader.read(UInt8.self)
        let rowChecksumsFlag = try reader.read(UInt8.self)
        let checksum = try reader.read(UInt32.self)
        guard offset >= UInt64(DataFileLayout.headerLength), offset % UInt64(DataFileLayout.pageAlignment) == 0,
          storedLength <= UInt64(footerOffset), offset <= UInt64(footerOffset) - storedLength
        else {
          throw reader.corrupt("\(where_) at offset \(offset) length \(storedLength) lies outside the page area 16..<\(footerOffset)")
        }
        guard rows >= 1, nulls <= rows else {
          throw reader.corrupt("\(where_) has \(rows) rows and \(nulls) nulls")
        }
        guard let encoding = PageEncoding(rawValue: encodingCode) else {
          throw reader.corrupt("\(where_) has unknown encoding \(encodingCode)")
        }
        guard let compression = PageCompression(rawValue: compressionCode) else {
          throw reader.corrupt("\(where_) has unknown compression \(compressionCode)")
        }
        guard statisticsFlag <= 1, rowChecksumsFlag <= 1 else {
          throw reader.corrupt("\(where_) has invalid flags \(statisticsFlag)/\(rowChecksumsFlag)")
        }
        guard bodyLength <= UInt64(1) << 40 else {
          throw reader.corrupt("\(where_): body length \(bodyLength) is implausible")
        }
        var page = PageMetadata(
          offset: Int(offset), storedLength: Int(storedLength), bodyLength: Int(bodyLength),
          firstRow: nextRow, rowCount: rows, nullCount: nulls, encoding: encoding,
          compression: compression, checksum: checksum)
        // Plain, uncompressed fixed-width pages always carry a row-checksum table, others never.
        let tableExpected = RowChecksumLayout.applies(to: field.type, encoding: encoding, compression: compression)
        guard (rowChecksumsFlag == 1) == tableExpected else {
          throw reader.corrupt("\(where_) (\(encoding), \(compression), \(field.type)) \(tableExpected ? "lacks" : "has") a row-checksum table")
        }
        if rowChecksumsFlag == 1 {
          let rowsPerGroup = try reader.read(UInt32.self)
          let tableChecksum = try reader.read(UInt32.self)
          guard rowsPerGroup >= 1 else { throw reader.corrupt("\(where_) has 0 rows per checksum group") }
          page.rowChecksums = RowChecksumLayout(rowsPerGroup: Int(rowsPerGroup), tableChecksum: tableChecksum)
          let valuesLength = UInt64(page.validityLength) + UInt64(rows) * UInt64(field.type.byteWidth!)
          guard bodyLength == valuesLength, storedLength == bodyLength + UInt64(page.rowChecksumTableLength) else {
            throw reader.corrupt("\(where_): body length \(bodyLength) and stored length \(storedLength) do not fit \(rows) rows of \(field.type) and a table of \(page.rowChecksumTableLength) bytes")
          }
        } else if compression == .none && bodyLength != storedLength {
          throw reader.corrupt("\(where_): body length \(bodyLength) does not fit stored length \(storedLength)")
        }
        if statisticsFlag == 1 {
          let minimum = try reader.readLengthPrefixed()
          let maximum = try reader.readLengthPrefixed()
          page.statisticsBytes = StatisticsBytes(minimum: minimum, maximum: maximum)
          guard let statistics = PageStatisticsCodec.decode(minimum: minimum, maximum: maximum, type: field.type) else {
            throw reader.corrupt("\(where_) has statistics that do not fit \(field.type)")
          }
          page.statistics = statistics
        }
        nextRow += rows
        guard UInt64(nextRow) <= rowCount else {
          throw reader.corrupt("column '\(field.name)' pages hold more than the file's \(rowCount) rows")
        }
        columnPages.append(page)
      }
      guard UInt64(nextRow) == rowCount else {
        throw reader.corrupt("column '\(field.name)' pages hold \(nextRow) rows, the file \(rowCount)")
      }
      pages.append(columnPages)
    }
    guard reader.remaining == 0 else {
      throw reader.corrupt("\(reader.remaining) bytes follow the page index")
    }
    return DataFileFooter(rowCount: Int(rowCount), schema: schema, pages: pages)
  }
}
