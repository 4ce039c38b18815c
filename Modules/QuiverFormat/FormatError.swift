import QuiverStorage

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An error from QuiverFormat: the columnar data files (a file, a page or a column is named in the message).
public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem it is; stable for `switch`.
  public enum Code: String, Sendable, Hashable {
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

    /// The former name of `.ioFailure`.
    @available(*, deprecated, renamed: "ioFailure")
    public static let ioError = Code.ioFailure
  }

  /// The kind of problem.
  public var code: Code
  /// A sentence that names what is wrong and where.
  public var message: String
  /// The error that caused this one — a system call's, Foundation's or a lower layer's — when
  /// there was one. Not part of equality.
  public var underlying: (any Error)?
  /// The source file (`#fileID`) of the `throw`, for bug reports. Not part of equality.
  public var sourceFile: String
  /// The line of the `throw` in `sourceFile`. Not part of equality.
  public var sourceLine: Int

  /// Creates an error with a code, a message, and the error that caused it if any; the source
  /// location defaults to the caller's.
  public init(
    _ code: Code, _ message: String, underlying: (any Error)? = nil,
    sourceFile: String = #fileID, sourceLine: Int = #line
  ) {
    self.code = code
    self.message = message
    self.underlying = underlying
    self.sourceFile = sourceFile
    self.sourceLine = sourceLine
  }

  /// `code: message`, for logs and test failures.
  public var description: String { "\(code.rawValue): \(message)" }

  /// Errors are equal when their codes and messages are (not where they were thrown, nor what
  /// caused them).
  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.code == rhs.code && lhs.message == rhs.message
  }

  /// Hashes what equality compares.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(code)
    hasher.combine(message)
  }
}

extension FormatError: LocalizedError {
  /// The same text as `description`, so `localizedDescription` names the problem.
  public var errorDescription: String? { description }
}

extension FormatError {
  /// The format error for a storage error: a range past the end or a file that shrank is
  /// `.truncatedFile`, bytes that do not decode are `.corruptFile`, anything else `.ioFailure`.
  package init(_ error: StorageError) {
    switch error.code {
    case .outOfRange, .truncated: self.init(.truncatedFile, error.message, underlying: error)
    case .corruptData: self.init(.corruptFile, error.message, underlying: error)
    default: self.init(.ioFailure, error.message, underlying: error)
    }
  }

  /// Runs `body`, turning a `StorageError` it throws into a `FormatError`.
  package static func translatingStorageErrors<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as StorageError {
      throw FormatError(error)
    }
  }
}
