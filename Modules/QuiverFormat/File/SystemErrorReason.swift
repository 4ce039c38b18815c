import Foundation

/// A one-line reason for an error from Foundation's file APIs, for messages that must not embed
/// an `NSError` dump ("Error Domain=NSCocoaErrorDomain Code=512 …").
///
/// `FileManager` wraps the system call's `errno` in an `NSError` under `NSUnderlyingErrorKey`;
/// that `errno` is named with `strerror` ("Not a directory"), after the path the error names
/// when there is one. Other errors keep their own `description`.
package func systemErrorReason(_ error: any Error) -> String {
  let outer = error as NSError
  guard outer.domain == NSCocoaErrorDomain || outer.domain == NSPOSIXErrorDomain else {
    return String(describing: error)
  }
  let posix =
    outer.domain == NSPOSIXErrorDomain
    ? outer : (outer.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
  let reason =
    if let posix, posix.domain == NSPOSIXErrorDomain {
      String(cString: strerror(Int32(posix.code)))
    } else {
      outer.localizedDescription
    }
  if let path = outer.userInfo[NSFilePathErrorKey] as? String {
    return "'\(path)': \(reason)"
  }
  return reason
}
