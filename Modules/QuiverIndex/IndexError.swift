import QuiverStorage

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An error from QuiverIndex: ANN indexes (training, parameters, persistence).
public struct IndexError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem it is; stable for `switch`.
  public enum Code: String, Sendable, Hashable {
    /// An argument does not fit the data or the other arguments.
    case invalidArgument
    /// An index parameter (`numPartitions`, `numSubVectors`, `numBits`, ...) is out of range.
    case invalidParameter
    /// A vector's length differs from the index's dimension.
    case dimensionMismatch
    /// The input holds a NaN or an infinity.
    case nonFiniteValue
    /// There are too few rows to train what was asked for.
    case tooFewRows
    /// The search asked for a metric the index was not built with.
    case metricMismatch
    /// The index type is not built by this builder, or not known to this version.
    case unsupportedIndexType
    /// The column to index does not exist.
    case unknownColumn
    /// The column to index does not hold vectors.
    case unsupportedColumnType
    /// An index file is damaged: bad magic, checksum, length or offset.
    case corruptFile
    /// An index file was written by a newer format version.
    case unsupportedVersion
    /// Reading or writing an index file failed.
    case ioFailure
    /// The build would need more memory than the memory budget allows (flat `HNSW` holds every
    /// vector and its graph in memory).
    case memoryBudgetExceeded

    /// The former name of `.ioFailure`.
    @available(*, deprecated, renamed: "ioFailure")
    public static let inputOutput = Code.ioFailure
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

extension IndexError: LocalizedError {
  /// The same text as `description`, so `localizedDescription` names the problem.
  public var errorDescription: String? { description }
}

extension IndexError {
  /// The index error for a storage error: bytes that do not decode or a range outside the file
  /// are `.corruptFile`, anything else (a missing file, one that is not a regular file, a failed
  /// read or write) `.ioFailure`.
  package init(_ error: StorageError) {
    switch error.code {
    case .corruptData, .outOfRange, .truncated: self.init(.corruptFile, error.message, underlying: error)
    default: self.init(.ioFailure, error.message, underlying: error)
    }
  }

  /// Runs `body`, passing an `IndexError` through and turning a `StorageError` into one.
  package static func translatingStorageErrors<T>(_ body: () throws -> T) throws(IndexError) -> T {
    do {
      return try body()
    } catch let error as IndexError {
      throw error
    } catch let error as StorageError {
      throw IndexError(error)
    } catch {
      throw IndexError(.ioFailure, "\(error)", underlying: error)
    }
  }
}
