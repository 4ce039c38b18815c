import Foundation

/// An error the `quiver` command reports: one line on standard error and a non-zero exit status
/// that names the kind of failure (the values follow BSD's sysexits, so scripts can tell bad input
/// from a missing file or an unwritable output).
struct CLIError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of failure it is; the raw value is the exit status.
  enum Code: Int32, Sendable, Hashable {
    /// Something failed that is not one of the kinds below (an error from a Quiver module).
    case failure = 1
    /// The command line is wrong (an option value, a missing argument).
    case usage = 64
    /// An input file's content is malformed: a record, a line, a header or a page is wrong.
    case badData = 65
    /// An input file or table does not exist or cannot be opened.
    case noInput = 66
    /// The output cannot be created: the folder is not writable, or the target exists.
    case cannotCreate = 73
    /// Reading or writing failed part way.
    case ioFailure = 74
  }

  /// The kind of failure.
  var code: Code
  /// One sentence that starts with the file (and record or line) it is about.
  var message: String

  /// Creates an error with a code and a full message.
  init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// A malformed input: `FILE: LOCATION: PROBLEM`, for example
  /// `base.fvecs: record 3 (byte 1040): dimension 128 differs from the first record's 384`.
  static func badData(file: String, at location: String?, _ problem: String) -> CLIError {
    CLIError(.badData, [file, location, problem].compactMap { $0 }.joined(separator: ": "))
  }

  var description: String { message }
}
