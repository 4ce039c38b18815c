/// The header in front of every page of a column chunk (parquet.thrift `PageHeader` with its
/// data, dictionary and data-v2 variants).
struct ParquetPageHeader: Sendable, Hashable {
  /// A data page (v1): levels and values compressed together.
  struct DataPage: Sendable, Hashable {
    var valueCount: Int32
    var encoding: Int32
    var definitionLevelEncoding: Int32
    var repetitionLevelEncoding: Int32
  }

  /// A dictionary page: the distinct values, PLAIN-encoded.
  struct DictionaryPage: Sendable, Hashable {
    var valueCount: Int32
    var encoding: Int32
  }

  /// A data page v2: uncompressed levels first, then (maybe compressed) values.
  struct DataPageV2: Sendable, Hashable {
    var valueCount: Int32
    var nullCount: Int32
    var rowCount: Int32
    var encoding: Int32
    var definitionLevelsByteLength: Int32
    var repetitionLevelsByteLength: Int32
    var isCompressed: Bool
  }

  var type: Int32
  var uncompressedSize: Int32
  var compressedSize: Int32
  var dataPage: DataPage?
  var dictionaryPage: DictionaryPage?
  var dataPageV2: DataPageV2?

  /// Reads a `PageHeader`.
  static func read(_ reader: inout ThriftCompactReader) throws -> ParquetPageHeader {
    var header = ParquetPageHeader(type: -1, uncompressedSize: -1, compressedSize: -1)
    try reader.readFields { reader, id, type in
      switch (id, type) {
      case (1, .i32): header.type = try reader.readI32()
      case (2, .i32): header.uncompressedSize = try reader.readI32()
      case (3, .i32): header.compressedSize = try reader.readI32()
      case (5, .structure):
        var page = DataPage(
          valueCount: -1, encoding: 0, definitionLevelEncoding: 3, repetitionLevelEncoding: 3)
        try reader.readFields(
          into: &page,
          i32: [
            1: \.valueCount, 2: \.encoding, 3: \.definitionLevelEncoding,
            4: \.repetitionLevelEncoding,
          ])
        header.dataPage = page
      case (7, .structure):
        var page = DictionaryPage(valueCount: -1, encoding: 0)
        try reader.readFields(into: &page, i32: [1: \.valueCount, 2: \.encoding])
        header.dictionaryPage = page
      case (8, .structure):
        var page = DataPageV2(
          valueCount: -1, nullCount: 0, rowCount: 0, encoding: 0, definitionLevelsByteLength: 0,
          repetitionLevelsByteLength: 0, isCompressed: true)
        try reader.readFields(
          into: &page,
          i32: [
            1: \.valueCount, 2: \.nullCount, 3: \.rowCount, 4: \.encoding,
            5: \.definitionLevelsByteLength, 6: \.repetitionLevelsByteLength,
          ], booleans: [7: \.isCompressed])
        header.dataPageV2 = page
      default: try reader.skip(type)
      }
    }
    guard header.uncompressedSize >= 0, header.compressedSize >= 0 else {
      throw reader.corrupt("the page header has no or negative sizes")
    }
    return header
  }

  /// The header's Thrift bytes.
  func serialized() -> [UInt8] {
    var writer = ThriftCompactWriter()
    writer.i32(1, type)
    writer.i32(2, uncompressedSize)
    writer.i32(3, compressedSize)
    if let dataPage {
      writer.beginStructure(5)
      writer.i32(1, dataPage.valueCount)
      writer.i32(2, dataPage.encoding)
      writer.i32(3, dataPage.definitionLevelEncoding)
      writer.i32(4, dataPage.repetitionLevelEncoding)
      writer.endStructure()
    }
    if let dictionaryPage {
      writer.beginStructure(7)
      writer.i32(1, dictionaryPage.valueCount)
      writer.i32(2, dictionaryPage.encoding)
      writer.endStructure()
    }
    writer.endStructure()
    return writer.bytes
  }
}
