@_exported import protocol QuiverStorage.ModuleError
@_exported import struct QuiverStorage.CodedError
import QuiverStorage

/// What kind of problem a `TableError` is (`TableError.Code`); stable for `switch`.
public enum TableErrorCode: String, Sendable, Hashable {
  /// An argument does not fit the data or the other arguments.
  case invalidArgument
  /// The table, version, tag or file does not exist.
  case notFound
  /// A table (or a tag) of that name already exists.
  case alreadyExists
  /// Another writer committed an incompatible change first; nothing of this commit was applied.
  case commitConflict
  /// A manifest is truncated, has a bad checksum, or cannot be decoded.
  case corruptManifest
  /// A deletion file or row-id map is truncated or has a bad checksum.
  case corruptDeletionFile
  /// A data file of a fragment could not be read (its `FormatError` is in the message).
  case corruptDataFile
  /// The table needs a feature this reader does not know.
  case unsupportedFeature
  /// A write was attempted on a read-only (time-travel) view.
  case readOnly
  /// Record batches do not match the table schema.
  case schemaMismatch
  /// A system call failed (the call, the path and `errno` are in the message).
  case ioFailure
}

/// An error from QuiverTable: tables, versions, manifests and commits.
///
/// The message names the table folder, the version, the file or the column involved.
public typealias TableError = CodedError<TableErrorCode>

extension TableErrorCode: StorageErrorTranslating {
  /// A missing object is `.notFound`, anything else `.ioFailure` (decoders turn `.corruptData`
  /// into their own code).
  package init(translating code: StorageError.Code) {
    self = code == .notFound ? .notFound : .ioFailure
  }
}
