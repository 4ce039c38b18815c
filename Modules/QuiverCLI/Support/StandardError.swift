import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing diagnostics to standard error; results go to standard output.
enum StandardError {
  /// Writes `text` followed by a newline.
  static func line(_ text: String) {
    write(text + "\n")
  }

  /// Writes `text` as it is.
  static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// Whether standard error is a terminal (progress bars are drawn only then).
  static var isTerminal: Bool { isatty(2) == 1 }
}
