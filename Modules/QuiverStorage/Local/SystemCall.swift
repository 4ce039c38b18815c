#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The system calls of the local implementation, each retried on `EINTR` and turned into a
/// `StorageError` that names the call, the file and the system's reason.
enum SystemCall {
  /// The error for a failed `call` on `location` with `errno` value `code`.
  static func error(_ call: String, _ location: String, _ code: Int32) -> StorageError {
    let reason = String(cString: strerror(code))
    let kind: StorageError.Code
    switch code {
    case ENOENT: kind = .notFound
    case EEXIST: kind = .alreadyExists
    case EACCES, EPERM: kind = .permissionDenied
    case ELOOP: kind = .symbolicLink
    default: kind = .ioFailure
    }
    return StorageError(kind, "\(call) '\(location)' failed: \(reason)")
  }

  /// Reads exactly `buffer.count` bytes at `offset` (`pread`), retrying short reads.
  /// - Throws: `.truncated` when the file ends first, `.ioFailure` on failure.
  static func readFully(
    _ descriptor: Int32, at offset: Int, into buffer: UnsafeMutableRawBufferPointer,
    location: String
  ) throws(StorageError) {
    guard let base = buffer.baseAddress else { return }
    var done = 0
    while done < buffer.count {
      let result = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
      if result < 0 {
        if errno == EINTR { continue }
        throw error("pread", location, errno)
      }
      if result == 0 {
        throw StorageError(
          .truncated,
          "'\(location)' ends at byte \(offset + done), \(buffer.count - done) bytes before the \(offset + buffer.count) it was known to hold"
        )
      }
      done += result
    }
  }

  /// Writes all of `bytes` at the file position (`write`), retrying short writes.
  static func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, location: String)
    throws(StorageError)
  {
    guard let base = bytes.baseAddress else { return }
    var done = 0
    while done < bytes.count {
      let result = write(descriptor, base + done, bytes.count - done)
      if result < 0 {
        if errno == EINTR { continue }
        throw error("write", location, errno)
      }
      done += result
    }
  }

  /// Flushes a file or a folder to stable storage (`fsync`). Some file systems refuse `fsync` on
  /// a folder (`EINVAL`); its names are then as durable as the file system makes them.
  static func synchronize(_ descriptor: Int32, location: String) throws(StorageError) {
    if fsync(descriptor) != 0 && errno != EINVAL { throw error("fsync", location, errno) }
  }

  /// `fstat` of an open descriptor.
  static func status(_ descriptor: Int32, location: String) throws(StorageError) -> stat {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw error("fstat", location, errno) }
    return info
  }

  /// Whether a `stat` describes a regular file.
  static func isRegularFile(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }

  /// Whether a `stat` describes a folder.
  static func isFolder(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }

  /// Whether a `stat` describes a symbolic link.
  static func isSymbolicLink(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFLNK }

  /// The modification time of a `stat`, in seconds since 1970.
  static func modificationTime(_ info: stat) -> Double {
    #if canImport(Darwin)
      let time = info.st_mtimespec
    #else
      let time = info.st_mtim
    #endif
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// Opens the regular file `name` in the folder `folder` for reading without following a
  /// symbolic link and without blocking on a FIFO (`openat` with `O_NOFOLLOW | O_NONBLOCK`, then
  /// `fstat`), so a FIFO, device, socket or link in its place is refused at once.
  /// - Returns: The descriptor and the file's size.
  static func openRegularFile(in folder: Int32, _ name: String, location: String)
    throws(StorageError) -> (descriptor: Int32, size: Int)
  {
    let descriptor = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      if code == ELOOP || code == EMLINK {
        throw StorageError(.symbolicLink, "'\(location)' is a symbolic link, which is never followed")
      }
      throw error("open", location, code)
    }
    do throws(StorageError) {
      let info = try status(descriptor, location: location)
      guard isRegularFile(info) else {
        throw StorageError(.notRegularFile, "'\(location)' is not a regular file (\(kindName(info)))")
      }
      return (descriptor, Int(info.st_size))
    } catch {
      close(descriptor)
      throw error
    }
  }

  /// Calls `body` with the name and the `d_type` (`DT_UNKNOWN` when the file system does not
  /// say) of every entry of the open folder `descriptor` but `.` and `..` (`fdopendir` and
  /// `readdir`), then closes the descriptor, also when it fails.
  /// - Throws: `.ioFailure` when the folder cannot be read; what `body` throws.
  static func forEachEntry(
    ofFolder descriptor: Int32, location: String,
    _ body: (_ name: String, _ type: Int32) throws -> Void
  ) throws {
    guard let stream = fdopendir(descriptor) else {
      let code = errno
      close(descriptor)
      throw error("opendir", location, code)
    }
    defer { closedir(stream) }
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      guard !name.isEmpty, name != ".", name != ".." else { continue }
      try body(name, Int32(entry.pointee.d_type))
    }
  }

  /// "a FIFO", "a folder", ... for messages.
  static func kindName(_ info: stat) -> String {
    switch info.st_mode & S_IFMT {
    case S_IFIFO: "a FIFO"
    case S_IFDIR: "a folder"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    case S_IFLNK: "a symbolic link"
    default: "not a regular file"
    }
  }
}
