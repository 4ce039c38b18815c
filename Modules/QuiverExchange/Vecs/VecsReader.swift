import QuiverStorage

/// Reads the records of a `.fvecs` / `.bvecs` / `.ivecs` file in order, in runs of records read
/// with one `pread` each; every header and length is checked against the file's size before
/// memory is sized by it.
///
/// Every record must have the first record's dimension (or the expected one, when given). A
/// different dimension, a truncated record or an impossible header is an `ExchangeError`
/// whose message is `PATH: record N (byte B): PROBLEM` (`.corruptFile`, or `.truncatedFile`
/// for a file that ends inside a record).
public struct VecsReader {
  /// The path, as named in messages.
  public let path: String
  /// The format, which sets the value width.
  public let format: VecsFormat
  /// Values per vector.
  public let dimension: Int
  /// The file's size in bytes.
  public let totalBytes: Int
  /// The offset of the next unread record.
  public private(set) var bytesRead = 0
  /// The number of records read so far.
  public private(set) var recordsRead = 0

  private let file: LocalFileReader

  /// Bytes per record: the 4-byte header and the values.
  private var recordBytes: Int { 4 + dimension * format.valueByteWidth }

  /// Opens `path` and reads its first header to learn the dimension.
  /// - Parameters:
  ///   - expectedDimension: the dimension every record must have, when known in advance
  ///     (required for an empty file, whose dimension is otherwise unknown).
  ///   - format: The file format.
  ///   - path: The file's path.
  /// - Throws: `ExchangeError.ioError` when the file cannot be opened (the `underlying`
  ///   `StorageError` says why), `.corruptFile` for an impossible or unexpected dimension or an
  ///   empty file without `expectedDimension`, `.truncatedFile` for a partial header.
  public init(path: String, format: VecsFormat, expectedDimension: Int? = nil) throws {
    let file: LocalFileReader
    do {
      file = try LocalFileReader(path: path)
    } catch let error as StorageError {
      throw ExchangeError(.ioError, "\(path): cannot open: \(error.message)", underlying: error)
    }
    try self.init(file: file, path: path, format: format, expectedDimension: expectedDimension)
  }

  /// Reads from an open file; `path` names it in messages. Throws as `init(path:format:…)`.
  public init(
    file: LocalFileReader, path: String, format: VecsFormat, expectedDimension: Int? = nil
  ) throws {
    self.file = file
    self.path = path
    self.format = format
    totalBytes = file.size
    let maximum = VecsFormat.maximumDimension
    guard file.size > 0 else {
      guard let expectedDimension else {
        throw ExchangeError(
          .corruptFile, "\(path): the file is empty, so its dimension is unknown (pass --dim)")
      }
      guard expectedDimension <= maximum else {
        throw ExchangeError(
          .corruptFile, "\(path): --dim \(expectedDimension) is above the maximum of \(maximum)")
      }
      dimension = expectedDimension
      return
    }
    guard file.size >= 4 else {
      throw ExchangeError(
        .truncatedFile,
        "\(path): record 0 (byte 0): truncated: the file has \(file.size) bytes, fewer than a "
          + "4-byte dimension header")
    }
    let found = Int(try Self.readHeader(file, at: 0, path: path))
    guard found > 0, found <= maximum else {
      throw ExchangeError(
        .corruptFile,
        "\(path): record 0 (byte 0): dimension \(found) is impossible (expected 1...\(maximum)); "
          + "is this really a .\(format.rawValue) file?")
    }
    if let expectedDimension, expectedDimension != found {
      throw ExchangeError(
        .corruptFile,
        "\(path): record 0 (byte 0): dimension \(found) differs from --dim \(expectedDimension)")
    }
    dimension = found
  }

  /// Reads up to `count` records and appends their values (headers dropped, little-endian as
  /// stored) to `values`.
  /// - Returns: the number of records read; 0 at the end of the file.
  /// - Throws: `ExchangeError` naming the record and its byte offset for a header with another
  ///   dimension or a file that ends inside a record; `.ioError` when a read fails.
  public mutating func read(records count: Int, appendingTo values: inout [UInt8]) throws -> Int {
    let recordBytes = recordBytes
    let remaining = totalBytes - bytesRead
    let whole = min(count, remaining / recordBytes)
    if whole == 0 && remaining > 0 && count > 0 {
      try checkPartialRecord(remaining: remaining)
    }
    guard whole > 0 else { return 0 }
    let run: [UInt8]
    do {
      run = try file.read(at: bytesRead, count: whole * recordBytes)
    } catch let error as StorageError {
      throw ExchangeError(.ioError, "\(path): \(error.message)", underlying: error)
    }
    let vectorBytes = recordBytes - 4
    values.reserveCapacity(values.count + whole * vectorBytes)
    for record in 0..<whole {
      let start = record * recordBytes
      let found = Self.int32(run, at: start)
      guard found == dimension else {
        throw ExchangeError(
          .corruptFile,
          "\(location(recordsRead + record)): dimension \(found) differs from the first "
            + "record's \(dimension)")
      }
      values.append(contentsOf: run[(start + 4)..<(start + recordBytes)])
    }
    bytesRead += whole * recordBytes
    recordsRead += whole
    return whole
  }

  /// Reads every remaining record, at most `limit`.
  /// - Returns: the values, `count × dimension` of them, row-major.
  public mutating func readAll(limit: Int = .max) throws -> (count: Int, values: [UInt8]) {
    var values: [UInt8] = []
    var count = 0
    while count < limit {
      let read = try read(records: min(limit - count, 1 << 16), appendingTo: &values)
      if read == 0 { break }
      count += read
    }
    return (count, values)
  }

  /// `PATH: record N (byte B)`.
  private func location(_ record: Int) -> String {
    "\(path): record \(record) (byte \(record * recordBytes))"
  }

  /// Throws for the `remaining` bytes (fewer than a record) at the end of the file.
  private func checkPartialRecord(remaining: Int) throws {
    let here = location(recordsRead)
    guard remaining >= 4 else {
      throw ExchangeError(
        .truncatedFile,
        "\(here): truncated: the file ends \(remaining) bytes into the 4-byte dimension header")
    }
    let found = Int(try Self.readHeader(file, at: bytesRead, path: path))
    guard found == dimension else {
      throw ExchangeError(
        .corruptFile, "\(here): dimension \(found) differs from the first record's \(dimension)")
    }
    throw ExchangeError(
      .truncatedFile,
      "\(here): truncated: expected \(recordBytes - 4) bytes of vector data, found "
        + "\(remaining - 4) (the file ends at byte \(totalBytes))")
  }

  /// The int32 header at `offset`.
  private static func readHeader(_ file: LocalFileReader, at offset: Int, path: String) throws
    -> Int32
  {
    do {
      return int32(try file.read(at: offset, count: 4), at: 0)
    } catch let error as StorageError {
      throw ExchangeError(.ioError, "\(path): \(error.message)", underlying: error)
    }
  }

  /// The little-endian int32 at `start` of `bytes`.
  private static func int32(_ bytes: [UInt8], at start: Int) -> Int32 {
    Int32(
      bitPattern: UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8
        | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24)
  }
}
