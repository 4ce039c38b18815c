/// The element type of a vector column in an exchange file (`.fvecs`, `.npy`, …).
enum VectorElement: String, Sendable, Hashable, CaseIterable {
  case float32, float16, uint8, int32

  /// Bytes per element.
  var byteWidth: Int {
    switch self {
    case .float32, .int32: return 4
    case .float16: return 2
    case .uint8: return 1
    }
  }
}

/// The type of a column while it travels between an exchange file and a table.
enum ExchangeType: Sendable, Hashable, CustomStringConvertible {
  case bool, int64, float32, float64, string
  /// Bytes of any length (Parquet `BYTE_ARRAY` without a string annotation, Arrow `Binary`);
  /// only the Parquet and Arrow formats and tables hold them.
  case binary
  /// A fixed-size list: every row holds `dimension` elements, stored little-endian.
  case vector(VectorElement, dimension: Int)

  var description: String {
    switch self {
    case .bool: return "bool"
    case .int64: return "int64"
    case .float32: return "float32"
    case .float64: return "float64"
    case .string: return "string"
    case .binary: return "binary"
    case .vector(let element, let dimension): return "vector(\(element.rawValue), \(dimension))"
    }
  }

  /// Whether this is a vector type.
  var isVector: Bool {
    if case .vector = self { return true }
    return false
  }

  /// Throws `CLIError.badData` when this is a vector type of another dimension than `expected`
  /// (`--dim`); `subject` names the column ("column 'v'") and `place` where its values start.
  func checkDimension(expected: Int?, subject: String, file: String, at place: String) throws {
    if case .vector(_, let dimension) = self, let expected, dimension != expected {
      throw CLIError.badData(
        file: file, at: place, "\(subject) has dimension \(dimension), not --dim \(expected)")
    }
  }
}

/// A named, typed column of an exchange file.
struct ExchangeField: Sendable, Hashable {
  var name: String
  var type: ExchangeType
}

/// The values of one column of an `ExchangeBatch`. Scalars carry nulls as `nil`; vectors are
/// never null and keep their raw little-endian bytes, so a round trip is byte-exact.
enum ExchangeColumn: Sendable, Equatable {
  case bool([Bool?])
  case int64([Int64?])
  case float32([Float?])
  case float64([Double?])
  case string([String?])
  case binary([[UInt8]?])
  /// `rows × dimension` elements of `element`, row after row, little-endian.
  case vector(VectorElement, dimension: Int, bytes: [UInt8])

  /// The number of rows.
  var count: Int {
    switch self {
    case .bool(let values): return values.count
    case .int64(let values): return values.count
    case .float32(let values): return values.count
    case .float64(let values): return values.count
    case .string(let values): return values.count
    case .binary(let values): return values.count
    case .vector(let element, let dimension, let bytes):
      return dimension == 0 ? 0 : bytes.count / (element.byteWidth * dimension)
    }
  }
}

/// A chunk of rows read from or written to an exchange file: the unit of streaming, small enough
/// that memory stays bounded whatever the file's size.
struct ExchangeBatch: Sendable, Equatable {
  /// The columns' names and types, in order.
  var fields: [ExchangeField]
  /// One column per field.
  var columns: [ExchangeColumn]

  /// The number of rows.
  var rowCount: Int { columns.first?.count ?? 0 }

  /// The position of the column named `name`.
  func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// Reads an exchange file chunk by chunk.
protocol ExchangeReader {
  /// The columns every batch has; known once the reader is created.
  var fields: [ExchangeField] { get }
  /// Bytes of the input consumed so far (for progress).
  var bytesRead: Int64 { get }
  /// The input's size in bytes.
  var totalBytes: Int64 { get }
  /// The next batch, or nil at the end of the input.
  /// - Throws: `CLIError` naming the file, the record or line, and the problem.
  mutating func nextBatch() throws -> ExchangeBatch?
}

/// Writes batches to an exchange file that becomes visible only when `finish()` succeeds.
protocol ExchangeWriter {
  /// Appends a batch (with the fields the writer was created for).
  mutating func write(_ batch: ExchangeBatch) throws
  /// Completes the file and moves it into place.
  mutating func finish() throws
  /// Removes everything written so far; the target is left as it was.
  mutating func abandon()
}
