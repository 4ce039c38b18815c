import Foundation

/// An error from QuiverStorage: a path that is not allowed, an object that is missing or is not a
/// regular file, a range outside an object, bytes that do not decode, or a failed system or
/// remote call. The message names the storage location and the object.
public struct StorageError: Error, Sendable, CustomStringConvertible {
  /// What kind of problem it is; stable for `switch`.
  public enum Code: Sendable, Hashable {
    /// No object exists at the path.
    case notFound
    /// An object already exists where a new one was to be created.
    case alreadyExists
    /// The path text is not a relative name inside the root (`..`, absolute, separator in a
    /// single name, empty, NUL).
    case invalidPath
    /// The path names something that is not a regular file (a FIFO, device, socket or folder).
    case notRegularFile
    /// A component of the path is a symbolic link, which storage never follows.
    case symbolicLink
    /// A read asked for bytes outside the object.
    case outOfRange
    /// The object ended before bytes it was known to hold (it shrank under the reader).
    case truncated
    /// Bytes being decoded are inconsistent: a length past the end, a bad magic or checksum.
    case corruptData
    /// The operating system or the remote store refused access.
    case permissionDenied
    /// A system call failed for another reason.
    case ioFailure
    /// A remote store answered with this HTTP status.
    case remote(status: Int)
  }

  /// The kind of problem.
  public var code: Code
  /// A sentence that names what is wrong and where.
  public var message: String
  /// The error that caused this one, if any (a system or transport error).
  public var underlying: (any Error & Sendable)?

  /// Creates an error with a code, a message and optionally its cause.
  public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

  /// The code's name and the message (which names the cause in words; `underlying` is not
  /// printed, so no `NSError` dump appears).
  public var description: String {
    let name: String
    switch code {
    case .remote(let status): name = "remote(\(status))"
    default: name = "\(code)"
    }
    return "\(name): \(message)"
  }
}

extension StorageError: LocalizedError {
  /// The same text as `description`, so `localizedDescription` names the problem.
  public var errorDescription: String? { description }
}
