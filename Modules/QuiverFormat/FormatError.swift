@_exported import protocol QuiverStorage.ModuleError
@_exported import struct QuiverStorage.CodedError
import QuiverStorage

/// What kind of problem a `FormatError` is (`FormatError.Code`); stable for `switch`.
public enum FormatErrorCode: String, Sendable, Hashable {
  /// An argument does not fit the data or the other arguments.
  case invalidArgument
  /// Two columns of a schema or batch have the same name.
  case duplicateColumn
  /// A column name is not in the schema.
  case columnNotFound
  /// A column's values do not have the length or type its schema or batch requires
  /// (ragged vectors, length mismatch between columns, nulls in a non-nullable column).
  case invalidColumn
  /// Two schemas or types that must match do not.
  case schemaMismatch
  /// A row index or offset is outside the column or file.
  case rowOutOfRange
  /// The file is shorter than its structure says it must be.
  case truncatedFile
  /// The file does not start or end with the Quiver data-file magic.
  case badMagic
  /// The file was written by a newer format version than this reader knows.
  case unsupportedVersion
  /// A page or the footer does not match its CRC32C checksum.
  case checksumMismatch
  /// A structure inside the file is inconsistent (an offset past the end, an unknown encoding,
  /// a count that does not add up).
  case corruptFile
  /// The operating system refused an open, read, write or sync.
  case ioFailure
  /// The writer was used after `finish()` or after it failed.
  case writerClosed
}

/// An error from QuiverFormat: the columnar data files (a file, a page or a column is named in the message).
public typealias FormatError = CodedError<FormatErrorCode>

extension FormatErrorCode: StorageErrorTranslating {
  /// A range past the end or a file that shrank is `.truncatedFile`, bytes that do not decode
  /// are `.corruptFile`, anything else `.ioFailure`.
  package init(translating code: StorageError.Code) {
    switch code {
    case .outOfRange, .truncated: self = .truncatedFile
    case .corruptData: self = .corruptFile
    default: self = .ioFailure
    }
  }
}
