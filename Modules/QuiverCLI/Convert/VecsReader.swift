/// Streams a `.fvecs` / `.bvecs` / `.ivecs` file as batches of one vector column.
///
/// Every record must have the first record's dimension (or `--dim` when given); a different
/// dimension, a truncated record or an impossible header is reported with the record number and
/// its byte offset.
struct VecsReader: ExchangeReader {
  let fields: [ExchangeField]
  var bytesRead: Int64 { input.offset }
  var totalBytes: Int64 { input.size }

  private let input: InputFile
  private let format: VecsFormat
  private let dimension: Int
  private let rowsPerBatch: Int
  private var record = 0
  /// Whether the first record's header was read when the file was opened (to learn the
  /// dimension) and must not be read again.
  private var firstHeaderRead: Bool

  /// Opens `path` and reads its first header to learn the dimension.
  /// - Parameters:
  ///   - columnName: the name of the vector column.
  ///   - expectedDimension: the dimension every record must have, when known in advance.
  init(path: String, format: VecsFormat, columnName: String, expectedDimension: Int?) throws {
    input = try InputFile(path: path)
    self.format = format
    var firstDimension: Int? = nil
    if input.size > 0 {
      var header: [UInt8] = []
      let count = try input.read(4, appendingTo: &header)
      guard count == 4 else {
        throw CLIError.badData(
          file: path, at: "record 0 (byte 0)",
          "truncated: the file has \(count) bytes, fewer than a 4-byte dimension header")
      }
      firstDimension = Int(Self.int32(header))
    }
    let dimension: Int
    switch (firstDimension, expectedDimension) {
    case (nil, nil):
      throw CLIError.badData(
        file: path, at: nil, "the file is empty, so its dimension is unknown (pass --dim)")
    case (nil, let expected?):
      guard expected <= VecsFormat.maximumDimension else {
        throw CLIError.badData(
          file: path, at: nil,
          "--dim \(expected) is above the maximum of \(VecsFormat.maximumDimension)")
      }
      dimension = expected
    case (let found?, let expected):
      guard found > 0, found <= VecsFormat.maximumDimension else {
        throw CLIError.badData(
          file: path, at: "record 0 (byte 0)",
          "dimension \(found) is impossible (expected 1...\(VecsFormat.maximumDimension)); "
            + "is this really a .\(format.rawValue) file?")
      }
      if let expected, expected != found {
        throw CLIError.badData(
          file: path, at: "record 0 (byte 0)",
          "dimension \(found) differs from --dim \(expected)")
      }
      dimension = found
    }
    self.dimension = dimension
    firstHeaderRead = firstDimension != nil
    let recordBytes = 4 + dimension * format.element.byteWidth
    rowsPerBatch = max(1, (4 << 20) / recordBytes)
    fields = [ExchangeField(name: columnName, type: .vector(format.element, dimension: dimension))]
  }

  mutating func nextBatch() throws -> ExchangeBatch? {
    let vectorBytes = dimension * format.element.byteWidth
    var bytes: [UInt8] = []
    bytes.reserveCapacity(rowsPerBatch * vectorBytes)
    var rows = 0
    var header: [UInt8] = []
    header.reserveCapacity(4)
    while rows < rowsPerBatch {
      var recordOffset = input.offset
      if firstHeaderRead {
        firstHeaderRead = false
        recordOffset = 0
      } else {
        header.removeAll(keepingCapacity: true)
        let count = try input.read(4, appendingTo: &header)
        if count == 0 { break }
        guard count == 4 else {
          throw CLIError.badData(
            file: input.path, at: "record \(record) (byte \(recordOffset))",
            "truncated: the file ends \(count) bytes into the 4-byte dimension header")
        }
        let found = Int(Self.int32(header))
        guard found == dimension else {
          throw CLIError.badData(
            file: input.path, at: "record \(record) (byte \(recordOffset))",
            "dimension \(found) differs from the first record's \(dimension)")
        }
      }
      let count = try input.read(vectorBytes, appendingTo: &bytes)
      guard count == vectorBytes else {
        throw CLIError.badData(
          file: input.path, at: "record \(record) (byte \(recordOffset))",
          "truncated: expected \(vectorBytes) bytes of vector data, found \(count) "
            + "(the file ends at byte \(input.size))")
      }
      rows += 1
      record += 1
    }
    guard rows > 0 else { return nil }
    return ExchangeBatch(
      fields: fields, columns: [.vector(format.element, dimension: dimension, bytes: bytes)])
  }

  private static func int32(_ bytes: [UInt8]) -> Int32 {
    Int32(
      bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16
        | UInt32(bytes[3]) << 24)
  }
}
