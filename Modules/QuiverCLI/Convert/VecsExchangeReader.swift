import QuiverExchange

/// Streams a `.fvecs` / `.bvecs` / `.ivecs` file as batches of one vector column, read by
/// QuiverExchange's `VecsReader` (which checks every header and length against the file size and
/// names the record and byte offset of a problem).
struct VecsExchangeReader: ExchangeReader {
  let fields: [ExchangeField]
  var bytesRead: Int64 { Int64(reader.bytesRead) }
  var totalBytes: Int64 { Int64(reader.totalBytes) }

  private var reader: VecsReader
  private let rowsPerBatch: Int

  /// Opens `path` and reads its first header to learn the dimension.
  /// - Parameters:
  ///   - columnName: the name of the vector column.
  ///   - expectedDimension: the dimension every record must have, when known in advance.
  /// - Throws: `CLIError.noInput` when the file cannot be opened, `.badData` for a bad header.
  init(path: String, format: VecsFormat, columnName: String, expectedDimension: Int?) throws {
    let file = try InputFile.open(path)
    reader = try ExchangeErrors.mapping {
      try VecsReader(file: file, path: path, format: format, expectedDimension: expectedDimension)
    }
    rowsPerBatch = max(1, (4 << 20) / (4 + reader.dimension * format.valueByteWidth))
    fields = [
      ExchangeField(name: columnName, type: .vector(format.element, dimension: reader.dimension))
    ]
  }

  mutating func nextBatch() throws -> ExchangeBatch? {
    var bytes: [UInt8] = []
    let rows = try ExchangeErrors.mapping {
      try reader.read(records: rowsPerBatch, appendingTo: &bytes)
    }
    guard rows > 0 else { return nil }
    return ExchangeBatch(
      fields: fields,
      columns: [.vector(reader.format.element, dimension: reader.dimension, bytes: bytes)])
  }
}
