import Foundation
import QuiverFormat
import QuiverStorage

/// Reads a Parquet file one row group at a time as `RecordBatch`es, in memory bounded by the
/// largest row group (Docs/Exchange.md "Parquet").
///
/// Top-level primitive columns become scalar columns (nulls from definition levels); a
/// top-level list of float32, float16 or uint8 whose non-null rows all have the same length —
/// pyarrow's `FixedSizeList` and the `List` pandas and Polars write — becomes a vector column.
///
/// ```swift
/// var reader = try ParquetReader(path: "embeddings.parquet")
/// while let batch = try reader.nextBatch() { … }
/// ```
public struct ParquetReader: Sendable {
  /// The file's path, named in errors.
  public let path: String
  /// The Quiver schema of every batch.
  public let schema: Schema
  /// The number of rows in the file.
  public let rowCount: Int
  /// The key/value metadata of the file's footer.
  public let keyValueMetadata: [String: String]
  /// The number of row groups; `nextBatch()` returns one batch per row group.
  public var rowGroupCount: Int { metadata.rowGroups.count }
  /// The largest vector dimension read (as for .fvecs files).
  static let maximumDimension: Int64 = 1 << 20

  /// The index of the row group `nextBatch()` reads next.
  public private(set) var nextRowGroup = 0

  private let file: LocalFileReader
  private let metadata: ParquetFileMetadata
  private let leaves: [ParquetLeafColumn]
  private let dimensions: [Int?]
  /// Where the footer starts; every column chunk lies before it.
  private let dataEnd: Int
  /// The file's size in bytes.
  public let fileSize: Int

  /// Opens `path` and reads its footer.
  /// - Throws: `ExchangeError` naming the file: `.badMagic` when it is not Parquet,
  ///   `.truncatedFile` / `.corruptFile` for a damaged footer, `.unsupportedFeature` for
  ///   columns Quiver cannot hold (the message names the column).
  public init(path: String) throws {
    self.path = path
    do {
      file = try LocalFileReader(path: path)
      fileSize = file.size
    } catch let error as StorageError {
      throw ExchangeError(.ioError, error.message)
    }
    guard fileSize >= 12 else {
      throw ExchangeError(.truncatedFile, "\(path): \(fileSize) bytes is too short for a Parquet file")
    }
    let head = try Self.read(file, path: path, at: 0, count: 4)
    let tail = try Self.read(file, path: path, at: fileSize - 8, count: 8)
    let magic: [UInt8] = Array("PAR1".utf8)
    guard Array(tail[4...]) == magic else {
      throw ExchangeError(
        .badMagic,
        head == magic
          ? "\(path): the file does not end with PAR1 (truncated or still being written)"
          : "\(path): not a Parquet file (no PAR1 magic)")
    }
    guard head == magic else { throw ExchangeError(.badMagic, "\(path): not a Parquet file (no PAR1 magic at the start)") }
    let footerLength = Int(tail.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian })
    guard footerLength <= fileSize - 12 else {
      throw ExchangeError(
        .corruptFile, "\(path): the footer claims \(footerLength) bytes, the file has \(fileSize)")
    }
    dataEnd = fileSize - 8 - footerLength
    let footer = try Self.read(file, path: path, at: dataEnd, count: footerLength)
    var reader = ThriftCompactReader(footer, context: "\(path): footer")
    metadata = try ParquetFileMetadata.read(&reader)
    leaves = try ParquetLeafColumn.columns(of: metadata.schema, file: path)
    var total: Int64 = 0
    for (index, group) in metadata.rowGroups.enumerated() {
      guard group.columns.count == leaves.count else {
        throw ExchangeError(
          .corruptFile,
          "\(path): row group \(index) has \(group.columns.count) column chunks, the schema \(leaves.count) columns")
      }
      // Every row and every value slot must be backed by at least one bit of the file, so
      // what a footer declares cannot make the reader allocate more than a multiple of the
      // file's size (Docs/Exchange.md, "Parquet").
      let slotLimit = Int64(fileSize) * 8
      guard group.rowCount >= 0, group.rowCount <= slotLimit - total else {
        throw ExchangeError(
          .corruptFile,
          "\(path): row group \(index) claims \(group.rowCount) rows, more than a file of \(fileSize) bytes holds")
      }
      for (leaf, chunk) in zip(leaves, group.columns) {
        // A scalar column has one slot per row; a vector at most `maximumDimension` per row.
        let maximum = leaf.maxRepetitionLevel == 0 ? group.rowCount : group.rowCount * Self.maximumDimension
        guard chunk.valueCount >= 0, chunk.valueCount <= min(maximum, slotLimit),
          leaf.maxRepetitionLevel > 0 || chunk.valueCount == group.rowCount
        else {
          throw ExchangeError(
            .corruptFile,
            "\(path): row group \(index), column '\(leaf.name)': \(chunk.valueCount) values for \(group.rowCount) rows")
        }
      }
      total += group.rowCount
    }
    guard total == metadata.rowCount else {
      throw ExchangeError(
        .corruptFile, "\(path): the row groups hold \(total) rows, the footer says \(metadata.rowCount)")
    }
    rowCount = Int(total)
    var keyValues: [String: String] = [:]
    for (key, value) in metadata.keyValues { keyValues[key] = value ?? "" }
    keyValueMetadata = keyValues
    dimensions = try Self.vectorDimensions(
      leaves: leaves, metadata: metadata, arrowSchema: keyValues["ARROW:schema"], file: file,
      dataEnd: dataEnd, path: path)
    let fields = zip(leaves, dimensions).map { leaf, dimension -> Field in
      if let dimension, case .list = leaf.shape {
        let element: VectorElementType =
          leaf.valueType == .float16 ? .float16 : leaf.valueType == .uint8 ? .uint8 : .float32
        return Field(leaf.name, .fixedSizeList(element, dimension: dimension), nullable: leaf.nullable)
      }
      return Field(leaf.name, leaf.valueType, nullable: leaf.nullable)
    }
    do {
      schema = try Schema(fields)
    } catch let error as FormatError {
      throw ExchangeError(.unsupportedFeature, "\(path): \(error.message)")
    }
  }

  private static func read(_ file: LocalFileReader, path: String, at offset: Int, count: Int) throws
    -> [UInt8]
  {
    do {
      return try file.read(at: offset, count: count)
    } catch let error as StorageError {
      throw ExchangeError(error.code == .truncated ? .truncatedFile : .ioError, "\(path): \(error.message)")
    }
  }

  /// The dimension of each list column: the `FixedSizeList` size the Arrow schema pyarrow keeps
  /// in `ARROW:schema` records, else the length of the column's first non-null row.
  private static func vectorDimensions(
    leaves: [ParquetLeafColumn], metadata: ParquetFileMetadata, arrowSchema: String?,
    file: LocalFileReader, dataEnd: Int, path: String
  ) throws -> [Int?] {
    var fixedSizes: [String: Int] = [:]
    if let arrowSchema, let bytes = Data(base64Encoded: arrowSchema),
      let fields = ArrowMetadata.fields(ofSchemaMessage: [UInt8](bytes), context: "\(path): ARROW:schema")
    {
      for field in fields {
        if case .fixedSizeList(let size) = field.type, size > 0, Int64(size) <= maximumDimension {
          fixedSizes[field.name] = Int(size)
        }
      }
    }
    return try leaves.enumerated().map { index, leaf in
      guard case .list = leaf.shape else { return nil }
      if let size = fixedSizes[leaf.name] { return size }
      for (groupIndex, group) in metadata.rowGroups.enumerated() {
        let reader = ParquetColumnChunkReader(
          column: leaf, chunk: group.columns[index],
          context: "\(path): row group \(groupIndex), column '\(leaf.name)'")
        let values = try reader.read(from: file, dataEnd: dataEnd)
        if let length = ParquetColumnAssembler.firstListLength(values, of: leaf) {
          guard length > 0, Int64(length) <= maximumDimension else {
            throw ExchangeError(
              .unsupportedFeature,
              "\(path): column '\(leaf.name)' holds an empty list; vectors need at least one element")
          }
          return length
        }
      }
      throw ExchangeError(
        .unsupportedFeature,
        "\(path): column '\(leaf.name)' is a list with no non-null row to take the vector dimension from")
    }
  }

  /// Reads row group `index` as one batch.
  /// - Throws: `ExchangeError` naming the file, the row group, the column and the page.
  public func readRowGroup(_ index: Int) throws -> RecordBatch {
    precondition(index >= 0 && index < rowGroupCount, "ParquetReader: row group \(index) out of range")
    let group = metadata.rowGroups[index]
    var columns: [Column] = []
    for (position, leaf) in leaves.enumerated() {
      let context = "\(path): row group \(index), column '\(leaf.name)'"
      let reader = ParquetColumnChunkReader(
        column: leaf, chunk: group.columns[position], context: context)
      let values = try reader.read(from: file, dataEnd: dataEnd)
      columns.append(
        try ParquetColumnAssembler.column(
          values, of: leaf, rowCount: Int(group.rowCount), dimension: dimensions[position],
          context: context))
    }
    do {
      return try RecordBatch(schema: schema, columns: columns, rowCount: Int(group.rowCount))
    } catch let error as StorageError {
      throw ExchangeError(.corruptFile, "\(path): row group \(index): \(error.message)")
    }
  }

  /// The next row group as a batch, or nil after the last.
  /// - Throws: as `readRowGroup(_:)`.
  public mutating func nextBatch() throws -> RecordBatch? {
    guard nextRowGroup < rowGroupCount else { return nil }
    defer { nextRowGroup += 1 }
    return try readRowGroup(nextRowGroup)
  }
}
