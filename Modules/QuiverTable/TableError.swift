import QuiverStorage

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An error from QuiverTable: tables, versions, manifests and commits.
///
/// The message names the table folder, the version, the file or the column involved.
public struct TableError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem it is; stable for `switch`.
  public enum Code: String, Sendable, Hashable {
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

extension TableError: LocalizedError {
  /// The same text as `description`, so `localizedDescription` names the problem.
  public var errorDescription: String? { description }
}

extension TableError {
  /// The table error for a storage error: a missing object is `.notFound`, anything else
  /// `.ioFailure` (decoders turn `.corruptData` into their own code).
  package init(_ error: StorageError) {
    self.init(error.code == .notFound ? .notFound : .ioFailure, error.message, underlying: error)
  }

  /// Runs `body`, turning a `StorageError` it throws into a `TableError`.
  package static func translatingStorageErrors<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as StorageError {
      throw TableError(error)
    }
  }
}
