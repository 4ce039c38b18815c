import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file written through a buffer under a hidden temporary name beside its target and renamed
/// into place by `commit()`, so a failed or interrupted write never leaves a partial file under
/// the target's name. A class: it owns a file descriptor.
final class ExchangeOutputFile {
  /// The target path.
  let path: String
  /// The bytes written so far.
  private(set) var size = 0

  private let temporaryPath: String
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private let bufferLimit = 1 << 20

  /// Creates the temporary file for `path`.
  /// - Parameter replacing: when false, fails if `path` exists.
  /// - Throws: `ExchangeError.ioError` naming the path and the system's reason.
  init(path: String, replacing: Bool) throws {
    self.path = path
    if !replacing, FileManager.default.fileExists(atPath: path) {
      throw ExchangeError(.ioError, "\(path): already exists")
    }
    let url = URL(fileURLWithPath: path)
    temporaryPath =
      url.deletingLastPathComponent().path + "/." + url.lastPathComponent
      + ".\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw ExchangeError(.ioError, "\(path): cannot create: \(String(cString: strerror(errno)))")
    }
    buffer.reserveCapacity(bufferLimit)
  }

  deinit { abandon() }

  /// Appends `bytes`.
  func write(_ bytes: some Collection<UInt8>) throws {
    buffer.append(contentsOf: bytes)
    size += bytes.count
    if buffer.count >= bufferLimit { try flush() }
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
      let written = buffer.withUnsafeBytes { raw in
        systemWrite(descriptor, raw.baseAddress! + done, raw.count - done)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw failure("write")
      }
      done += written
    }
    buffer.removeAll(keepingCapacity: true)
  }

  private func failure(_ action: String) -> ExchangeError {
    ExchangeError(.ioError, "\(path): \(action) failed: \(String(cString: strerror(errno)))")
  }
}

/// `write(2)`, named apart from `ExchangeOutputFile.write`.
@inline(__always)
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
