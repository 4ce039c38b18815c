@_exported import protocol QuiverStorage.ModuleError
@_exported import struct QuiverStorage.CodedError
import QuiverStorage

/// What kind of problem an `IndexError` is (`IndexError.Code`); stable for `switch`.
public enum IndexErrorCode: String, Sendable, Hashable {
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
}

/// An error from QuiverIndex: ANN indexes (training, parameters, persistence).
public typealias IndexError = CodedError<IndexErrorCode>

extension IndexErrorCode: StorageErrorTranslating {
  /// Bytes that do not decode or a range outside the file are `.corruptFile`, anything else (a
  /// missing file, one that is not a regular file, a failed read or write) `.ioFailure`.
  package init(translating code: StorageError.Code) {
    switch code {
    case .corruptData, .outOfRange, .truncated: self = .corruptFile
    default: self = .ioFailure
    }
  }
}
