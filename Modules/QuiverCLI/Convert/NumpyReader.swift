/// Streams a two-dimensional C-order `.npy` array as batches of one vector column, one row per
/// vector.
struct NumpyReader: ExchangeReader {
  let fields: [ExchangeField]
  var bytesRead: Int64 { input.offset }
  var totalBytes: Int64 { input.size }

  private let input: InputFile
  private let header: NumpyHeader
  private let rowsPerBatch: Int
  private var row = 0

  /// Opens `path` and parses its header; checks that the file holds exactly the data the header
  /// announces.
  init(path: String, columnName: String, expectedDimension: Int?) throws {
    input = try InputFile(path: path)
    header = try NumpyHeader.read(from: input)
    if let expectedDimension, expectedDimension != header.dimension {
      throw CLIError.badData(
        file: path, at: "header",
        "dimension \(header.dimension) (shape[1]) differs from --dim \(expectedDimension)")
    }
    // The header bounds the dimension, so rowBytes is small; rows × rowBytes may still overflow
    // for a header that claims more rows than any file holds.
    let rowBytes = header.dimension * header.element.byteWidth
    let (dataSize, overflow) = Int64(header.rows).multipliedReportingOverflow(by: Int64(rowBytes))
    guard !overflow, dataSize <= input.size - input.offset else {
      let completeRows = (input.size - input.offset) / Int64(rowBytes)
      throw CLIError.badData(
        file: path,
        at: "row \(completeRows) (byte \(input.offset + completeRows * Int64(rowBytes)))",
        "truncated: the header announces \(header.rows) rows of \(rowBytes) bytes "
          + "but the file has \(input.size) bytes")
    }
    let expectedSize = input.offset + dataSize
    if input.size > expectedSize {
      throw CLIError.badData(
        file: path, at: "byte \(expectedSize)",
        "\(input.size - expectedSize) bytes follow the \(header.rows) rows the header announces")
    }
    rowsPerBatch = max(1, (4 << 20) / rowBytes)
    fields = [
      ExchangeField(
        name: columnName, type: .vector(header.element, dimension: header.dimension))
    ]
  }

  mutating func nextBatch() throws -> ExchangeBatch? {
    guard row < header.rows else { return nil }
    let rows = min(rowsPerBatch, header.rows - row)
    let rowBytes = header.dimension * header.element.byteWidth
    var bytes: [UInt8] = []
    bytes.reserveCapacity(rows * rowBytes)
    let count = try input.read(rows * rowBytes, appendingTo: &bytes)
    guard count == rows * rowBytes else {
      // The size was checked when the file was opened, so it shrank while being read.
      throw CLIError.badData(
        file: input.path, at: "row \(row + count / rowBytes)", "truncated while reading")
    }
    row += rows
    return ExchangeBatch(
      fields: fields,
      columns: [.vector(header.element, dimension: header.dimension, bytes: bytes)])
  }
}
