#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import QuiverFormat

/// The few system calls the commit protocol needs, named for what they guarantee.
///
/// See Docs/Format.md, "Tables: layout, manifests, deletions" (commit protocol).
enum DurableFile {
  /// Creates `url` (which must not exist), writes `bytes` and, if `synchronize`, `fsync`s the
  /// file before closing it (`open(O_CREAT|O_EXCL)`, `write`, `fsync`, `close`).
  /// - Throws: `TableError.alreadyExists` if the name exists, `.ioFailure` otherwise.
  static func writeNew(_ bytes: [UInt8], to url: URL, synchronize: Bool = true) throws {
    let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      let code = errno
      if code == EEXIST { throw TableError(.alreadyExists, "file '\(url.path)' already exists") }
      throw failure("open", url, code)
    }
    defer { close(descriptor) }
    try bytes.withUnsafeBytes { buffer in
      var written = 0
      while written < buffer.count {
        let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
        if result < 0 {
          if errno == EINTR { continue }
          throw failure("write", url, errno)
        }
        written += result
      }
    }
    guard !synchronize || fsync(descriptor) == 0 else { throw failure("fsync", url, errno) }
  }

  /// `fsync`s a folder so that names created or removed in it survive a crash.
  static func syncDirectory(_ url: URL) throws {
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure("open", url, errno) }
    defer { close(descriptor) }
    // Some file systems refuse fsync on a directory (EINVAL); the name is then as durable as the
    // file system can make it.
    if fsync(descriptor) != 0 && errno != EINVAL { throw failure("fsync", url, errno) }
  }

  /// Gives the file at `source` the additional name `destination`, failing if that name exists
  /// (`link(2)`: atomic, never replaces).
  /// - Returns: `false` if `destination` already exists.
  static func linkIfAbsent(_ source: URL, to destination: URL) throws -> Bool {
    if link(source.path, destination.path) == 0 { return true }
    let code = errno
    if code == EEXIST { return false }
    throw failure("link", destination, code)
  }

  /// Reads a whole file.
  /// - Throws: `TableError.notFound` if it does not exist, `.ioFailure` otherwise.
  static func read(_ url: URL) throws -> [UInt8] {
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      if code == ENOENT { throw TableError(.notFound, "file '\(url.path)' does not exist") }
      throw failure("open", url, code)
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw failure("fstat", url, errno) }
    let size = Int(status.st_size)
    var bytes = [UInt8](repeating: 0, count: size)
    var filled = 0
    try bytes.withUnsafeMutableBytes { buffer in
      while filled < size {
        let result = pread(descriptor, buffer.baseAddress! + filled, size - filled, off_t(filled))
        if result < 0 {
          if errno == EINTR { continue }
          throw failure("pread", url, errno)
        }
        if result == 0 { break }
        filled += result
      }
    }
    if filled < size { bytes.removeSubrange(filled...) }
    return bytes
  }

  /// The names in a folder (not `.` and `..`), unsorted; empty if the folder does not exist.
  static func names(in url: URL) throws -> [String] {
    guard let directory = opendir(url.path) else {
      let code = errno
      if code == ENOENT { return [] }
      throw failure("opendir", url, code)
    }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Removes a file; a file that is already gone is not an error.
  static func remove(_ url: URL) throws {
    if unlink(url.path) != 0 && errno != ENOENT { throw failure("unlink", url, errno) }
  }

  /// The last modification time of a file, or nil if it does not exist.
  static func modificationDate(_ url: URL) -> Date? {
    var status = stat()
    guard stat(url.path, &status) == 0 else { return nil }
    #if canImport(Darwin)
      let time = status.st_mtimespec
    #else
      let time = status.st_mtim
    #endif
    return Date(timeIntervalSince1970: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
  }

  /// Creates a folder and its parents if missing.
  static func makeDirectory(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw TableError(
        .ioFailure, "cannot create folder '\(url.path)': \(systemErrorReason(error))",
        underlying: error)
    }
  }

  private static func failure(_ call: String, _ url: URL, _ code: Int32) -> TableError {
    TableError(.ioFailure, "\(call) '\(url.path)' failed: \(String(cString: strerror(code)))")
  }
}
