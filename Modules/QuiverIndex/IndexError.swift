import QuiverStorage

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
    /// The index type is not built by this builder.
    case unsupportedIndexType
    /// An index file is damaged: bad magic, checksum, length or offset.
    case corruptFile
    /// An index file was written by a newer format version.
    case unsupportedVersion
    /// Reading or writing an index file failed.
    case inputOutput
  }

  /// The kind of problem.
  public var code: Code
  /// A sentence that names what is wrong and where.
  public var message: String

  /// Creates an error with a code and a message.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { "\(code.rawValue): \(message)" }
}

extension IndexError {
  /// The index error for a storage error: bytes that do not decode or a range outside the file
  /// are `.corruptFile`, anything else (a missing file, one that is not a regular file, a failed
  /// read or write) `.inputOutput`.
  package init(_ error: StorageError) {
    switch error.code {
    case .corruptData, .outOfRange, .truncated: self.init(.corruptFile, error.message)
    default: self.init(.inputOutput, error.message)
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
      throw IndexError(.inputOutput, "\(error)")
    }
  }
}
