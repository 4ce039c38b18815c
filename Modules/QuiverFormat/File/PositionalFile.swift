#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An open file descriptor read and written at explicit offsets (`pread` / `pwrite`), so one
/// handle serves concurrent readers. Closed when the last reference goes away.
///
/// `@unchecked Sendable`: the only state is the immutable descriptor; `pread` and `pwrite` do not
/// move a shared file position, so concurrent calls are safe.
package final class PositionalFile: @unchecked Sendable {
  /// The path, for messages.
  package let path: String
  private let descriptor: Int32

  /// Opens `path` for reading.
  /// - Throws: `FormatError.ioFailure` naming the path and the system's reason.
  package init(readingAt path: String) throws {
    self.path = path
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw Self.error("cannot open", path) }
    self.descriptor = descriptor
  }

  /// Creates `path` for writing; fails if it exists unless `overwrite`.
  package init(creatingAt path: String, overwrite: Bool) throws {
    self.path = path
    let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
    let descriptor = open(path, flags, 0o644)
    guard descriptor >= 0 else { throw Self.error("cannot create", path) }
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  static func error(_ what: String, _ path: String) -> FormatError {
    FormatError(.ioFailure, "\(what) '\(path)': \(String(cString: strerror(errno)))")
  }

  /// The file's current size in bytes (`fstat`).
  package func size() throws -> Int {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw Self.error("cannot stat", path) }
    return Int(info.st_size)
  }

  /// Reads exactly `buffer.count` bytes at `offset` (`pread`), retrying short reads.
  /// - Throws: `FormatError.truncatedFile` when the file ends first; `.ioFailure` on failure.
  package func read(fromAbsoluteOffset offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    var done = 0
    while done < buffer.count {
      let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
      if result < 0 {
        if errno == EINTR { continue }
        throw Self.error("cannot read", path)
      }
      if result == 0 {
        throw FormatError(
          .truncatedFile,
          "file '\(path)' ends at byte \(offset + done), \(buffer.count - done) bytes before what its footer describes (needs \(offset + buffer.count))")
      }
      done += result
    }
  }

  /// `count` bytes at `offset`.
  package func read(fromAbsoluteOffset offset: Int, count: Int) throws -> [UInt8] {
    guard count > 0 else { return [] }
    return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      try read(fromAbsoluteOffset: offset, into: UnsafeMutableRawBufferPointer(buffer))
      initialized = count
    }
  }

  /// Writes all of `bytes` at `offset` (`pwrite`), retrying short writes.
  package func write(_ bytes: UnsafeRawBufferPointer, toAbsoluteOffset offset: Int) throws {
    var done = 0
    while done < bytes.count {
      let result = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
      if result < 0 {
        if errno == EINTR { continue }
        throw Self.error("cannot write", path)
      }
      done += result
    }
  }

  /// Flushes the file to stable storage (`fsync`).
  package func synchronize() throws {
    guard fsync(descriptor) == 0 else { throw Self.error("cannot sync", path) }
  }
}
