import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file (a resource, hence a class) written through a buffer into a hidden temporary name
/// beside its target, and moved into place only by `commit()`: a failed or interrupted write never leaves a half-written file
/// under the target's name.
final class OutputFile {
  /// The target path as the user gave it.
  let path: String
  /// Bytes written so far (the size of the file once committed).
  private(set) var size: Int64 = 0

  private let temporaryPath: String
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private let bufferLimit = 1 << 20

  /// Creates the temporary file for `path`.
  /// - Parameter replacing: when false, fails if `path` exists.
  /// - Throws: `CLIError.cannotCreate` when the target exists (and `replacing` is false) or its
  ///   folder is missing or not writable.
  init(path: String, replacing: Bool) throws {
    self.path = path
    if !replacing, FileManager.default.fileExists(atPath: path) {
      throw CLIError(
        .cannotCreate, "\(path): already exists (use --mode overwrite to replace it)")
    }
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    temporaryPath =
      folder + "/." + url.lastPathComponent
      + ".quiver-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else {
      throw CLIError(
        .cannotCreate,
        "\(path): cannot create file in \(folder): \(String(cString: strerror(errno)))")
    }
    buffer.reserveCapacity(bufferLimit)
  }

  deinit {
    if descriptor >= 0 {
      close(descriptor)
      unlink(temporaryPath)
    }
  }

  /// Appends bytes.
  func write(_ bytes: some Collection<UInt8>) throws {
    buffer.append(contentsOf: bytes)
    size += Int64(bytes.count)
    if buffer.count >= bufferLimit { try flush() }
  }

  /// Appends the UTF-8 bytes of `text`.
  func write(_ text: String) throws {
    try write(Array(text.utf8))
  }

  /// Overwrites bytes at `offset` (which must already have been written, for example a header
  /// patched at the end).
  func overwrite(_ bytes: [UInt8], at offset: Int64) throws {
    try flush()
    precondition(offset + Int64(bytes.count) <= size, "overwrite past what was written")
    let written = bytes.withUnsafeBytes {
      pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset))
    }
    guard written == bytes.count else { throw failure("write") }
  }

  /// Flushes, syncs and renames the file into place.
  func commit() throws {
    try flush()
    guard fsync(descriptor) == 0 else { throw failure("sync") }
    close(descriptor)
    descriptor = -1
    guard rename(temporaryPath, path) == 0 else {
      let error = failure("rename into place")
      unlink(temporaryPath)
      throw error
    }
  }

  /// Deletes the temporary file; the target is untouched.
  func abandon() {
    guard descriptor >= 0 else { return }
    close(descriptor)
    descriptor = -1
    unlink(temporaryPath)
  }

  private func flush() throws {
    var done = 0
    while done < buffer.count {
      let written = buffer.withUnsafeBytes {
        Glibc_write(descriptor, $0.baseAddress! + done, $0.count - done)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw failure("write")
      }
      done += written
    }
    buffer.removeAll(keepingCapacity: true)
  }

  private func failure(_ action: String) -> CLIError {
    CLIError(.ioFailure, "\(path): \(action) failed: \(String(cString: strerror(errno)))")
  }
}

/// `write(2)`, named apart from `OutputFile.write`.
@inline(__always)
private func Glibc_write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
