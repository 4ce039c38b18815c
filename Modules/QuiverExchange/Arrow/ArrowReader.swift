import QuiverFormat
import QuiverStorage

/// Reads an Arrow IPC file (`.arrow`, Feather v2 `.feather`) or stream (`.arrows`) one record
/// batch at a time as `RecordBatch`es (Docs/Exchange.md "Arrow IPC").
///
/// Integer, floating-point, boolean, string, binary, date and timestamp columns become Quiver
/// columns of the same kind; `FixedSizeList<float32|float16|uint8>` and lists of those whose
/// non-null rows all have one length become vector columns. Bodies may be zstd-compressed.
///
/// ```swift
/// var reader = try ArrowReader(path: "embeddings.arrow")
/// while let batch = try reader.nextBatch() { … }
/// ```
public struct ArrowReader: Sendable {
  /// The file's path, named in errors.
  public let path: String
  /// The Quiver schema of every batch.
  public let schema: Schema
  /// The file's size in bytes.
  public let fileSize: Int
  /// Bytes of the file read so far.
  public var bytesRead: Int { messages.position }
  /// The number of record batches returned so far.
  public private(set) var batchesRead = 0

  private let fields: [ArrowField]
  private var messages: ArrowMessageReader
  private var pending: ArrowMessageReader.Message?

  /// Opens `path` and reads its schema; a file with the `ARROW1` magic is read as the file
  /// format, anything else as a stream.
  /// - Throws: `ExchangeError` naming the file: `.badMagic`, `.truncatedFile`, `.corruptFile`,
  ///   or `.unsupportedFeature` naming a column Quiver cannot hold.
  public init(path: String) throws {
    self.path = path
    let file: LocalFileReader
    do {
      file = try LocalFileReader(path: path)
      fileSize = file.size
    } catch let error as StorageError {
      throw ExchangeError(.ioError, error.message)
    }
    let magic = Array("ARROW1".utf8)
    var start = 0
    var end = fileSize
    if fileSize >= 6, try Self.read(file, path: path, at: 0, count: 6) == magic {
      guard fileSize >= 8 + 10,
        try Self.read(file, path: path, at: fileSize - 6, count: 6) == magic
      else {
        throw ExchangeError(
          .badMagic, "\(path): the file does not end with ARROW1 (truncated or still being written)")
      }
      let tail = try Self.read(file, path: path, at: fileSize - 10, count: 4)
      let footerLength = Int(tail.withUnsafeBytes { $0.loadUnaligned(as: Int32.self).littleEndian })
      guard footerLength >= 0, footerLength <= fileSize - 18 else {
        throw ExchangeError(.corruptFile, "\(path): the footer claims \(footerLength) bytes, the file has \(fileSize)")
      }
      start = 8
      end = fileSize - 10 - footerLength
    }
    messages = ArrowMessageReader(file: file, path: path, start: start, end: end)
    guard let first = try messages.next() else {
      throw ExchangeError(.truncatedFile, "\(path): no schema message (empty or not Arrow IPC)")
    }
    guard first.headerType == 1 else {
      throw ExchangeError(.corruptFile, "\(path): the first message is not a schema (type \(first.headerType))")
    }
    fields = try ArrowMetadata.fields(of: first.header)
    // A list column's vector dimension comes from the first batch's first non-null row.
    var dimensions: [Int: Int] = [:]
    for (index, field) in fields.enumerated() {
      if case .list = field.type {} else if case .largeList = field.type {} else { continue }
      if pending == nil { pending = try Self.nextRecordBatch(&messages, path: path) }
      guard let pending else {
        throw ExchangeError(
          .unsupportedFeature, "\(path): column '\(field.name)' is a list and the file has no rows to take the vector dimension from")
      }
      var decoder = try ArrowRecordBatchDecoder(
        fields: fields, schema: try Schema([]), header: pending.header, body: pending.body,
        context: "\(path): record batch 0")
      guard let length = try decoder.firstListLength(column: index), length > 0 else {
        throw ExchangeError(
          .unsupportedFeature, "\(path): column '\(field.name)' is a list without a non-empty first row to take the vector dimension from")
      }
      dimensions[index] = length
    }
    do {
      schema = try Self.schema(fields, dimensions: dimensions, path: path)
    } catch let error as FormatError {
      throw ExchangeError(.unsupportedFeature, "\(path): \(error.message)")
    }
  }

  private static func read(_ file: LocalFileReader, path: String, at offset: Int, count: Int) throws -> [UInt8] {
    do {
      return try file.read(at: offset, count: count)
    } catch let error as StorageError {
      throw ExchangeError(.ioError, "\(path): \(error.message)")
    }
  }

  private static func schema(_ fields: [ArrowField], dimensions: [Int: Int], path: String) throws -> Schema {
    try Schema(
      fields.enumerated().map { index, field in
        if let type = field.scalarType { return Field(field.name, type, nullable: field.nullable) }
        let dimension: Int
        switch field.type {
        case .fixedSizeList(let size): dimension = Int(size)
        case .list, .largeList: dimension = dimensions[index] ?? 0
        default:
          throw ExchangeError(
            .unsupportedFeature, "\(path): column '\(field.name)' has an Arrow type Quiver cannot hold")
        }
        guard field.children.count == 1, let element = field.children[0].vectorElement, dimension > 0 else {
          throw ExchangeError(
            .unsupportedFeature,
            "\(path): column '\(field.name)' is a list that is not a vector of float32, float16 or uint8")
        }
        return Field(field.name, .fixedSizeList(element, dimension: dimension), nullable: field.nullable)
      })
  }

  /// The next record batch message, skipping nothing else (dictionary batches are rejected).
  private static func nextRecordBatch(
    _ messages: inout ArrowMessageReader, path: String
  ) throws -> ArrowMessageReader.Message? {
    while let message = try messages.next() {
      switch message.headerType {
      case 3: return message
      case 2:
        throw ExchangeError(.unsupportedFeature, "\(path): dictionary-encoded columns are not supported")
      default:
        throw ExchangeError(
          .corruptFile, "\(path): message at byte \(message.offset) has unexpected type \(message.headerType)")
      }
    }
    return nil
  }

  /// The next record batch, or nil after the last.
  /// - Throws: `ExchangeError` naming the file and the record batch.
  public mutating func nextBatch() throws -> RecordBatch? {
    let message: ArrowMessageReader.Message
    if let pending {
      message = pending
      self.pending = nil
    } else {
      guard let next = try Self.nextRecordBatch(&messages, path: path) else { return nil }
      message = next
    }
    let context = "\(path): record batch \(batchesRead)"
    var decoder = try ArrowRecordBatchDecoder(
      fields: fields, schema: schema, header: message.header, body: message.body, context: context)
    let columns = try decoder.columns()
    batchesRead += 1
    do {
      return try RecordBatch(schema: schema, columns: columns, rowCount: try decoder.length())
    } catch let error as StorageError {
      throw ExchangeError(.corruptFile, "\(context): \(error.message)")
    }
  }
}
