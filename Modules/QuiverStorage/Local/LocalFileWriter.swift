#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A new local file written as a stream: bytes go to a temporary file beside the destination,
/// which `finish()` flushes (`fsync`), renames into place and makes durable (`fsync` of the
/// folder); until then nothing is visible at the destination, and `abort()` (or an error, or the
/// writer going away unfinished) removes the temporary file. The writer of `LocalStorage`, and
/// the one writer of plain local files (the CLI's outputs).
public final class LocalFileWriter: StorageWriter {
  /// The destination path, for messages.
  public let location: String
  /// Bytes written so far.
  public private(set) var bytesWritten = 0
  private let folder: Int32
  private let name: String
  private let temporaryName: String
  private let synchronous: Bool
  private let replaceExisting: Bool
  private var descriptor: Int32

  /// Starts a plain local file given by the user.
  /// - Parameters:
  ///   - path: The destination; its folder must exist.
  ///   - replaceExisting: Whether a file already at `path` may be replaced; if false, `finish()`
  ///     throws `.alreadyExists` instead.
  ///   - synchronous: Whether `finish()` makes the file durable (`fsync`s).
  /// - Throws: `StorageError` if the folder cannot be opened or the temporary file created.
  public convenience init(path: String, replaceExisting: Bool, synchronous: Bool = true) throws {
    let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
    let folderPath = slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else {
      throw StorageError(.invalidPath, "'\(path)' names a folder, not a file")
    }
    let folder = open(folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard folder >= 0 else { throw SystemCall.error("open", folderPath, errno) }
    if !replaceExisting {
      var info = stat()
      if fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 {
        close(folder)
        throw StorageError(.alreadyExists, "'\(path)' already exists")
      }
    }
    try self.init(
      folder: folder, name: name, location: path, synchronous: synchronous,
      replaceExisting: replaceExisting)
  }

  /// Takes ownership of the open folder descriptor `folder` and creates the temporary file in it.
  init(
    folder: Int32, name: String, location: String, synchronous: Bool, replaceExisting: Bool
  ) throws {
    self.folder = folder
    self.name = name
    self.location = location
    self.synchronous = synchronous
    self.replaceExisting = replaceExisting
    temporaryName = ".\(name).\(UInt64.random(in: 0...UInt64.max)).tmp"
    descriptor = openat(
      folder, temporaryName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      let code = errno
      close(folder)
      throw SystemCall.error("create", location, code)
    }
  }

  deinit {
    abort()
    close(folder)
  }

  /// Appends `bytes` to the file.
  /// - Throws: `StorageError` `.ioFailure` (the writer is then aborted), or if already finished.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard descriptor >= 0 else {
      throw StorageError(.ioFailure, "'\(location)' is already finished or aborted")
    }
    do {
      try SystemCall.writeFully(descriptor, bytes, location: location)
      bytesWritten += bytes.count
    } catch {
      abort()
      throw error
    }
  }

  /// Replaces bytes already written at `offset` (`pwrite`), for a local file whose header is
  /// only known at the end (a row count). Objects in a `Storage` never need this.
  /// - Throws: `StorageError` `.outOfRange` unless `offset..<offset + bytes.count` was written,
  ///   `.ioFailure` (the writer is then aborted).
  public func overwrite(_ bytes: [UInt8], at offset: Int) throws {
    guard descriptor >= 0 else {
      throw StorageError(.ioFailure, "'\(location)' is already finished or aborted")
    }
    guard offset >= 0, offset <= bytesWritten, bytes.count <= bytesWritten - offset else {
      throw StorageError(
        .outOfRange, "'\(location)': bytes \(offset)+\(bytes.count) were not written yet")
    }
    var done = 0
    while done < bytes.count {
      let result = bytes.withUnsafeBytes {
        pwrite(descriptor, $0.baseAddress! + done, $0.count - done, off_t(offset + done))
      }
      if result < 0 {
        if errno == EINTR { continue }
        let error = SystemCall.error("pwrite", location, errno)
        abort()
        throw error
      }
      done += result
    }
  }

  /// Flushes the file, moves it to its destination and flushes the folder.
  /// - Throws: `StorageError` `.alreadyExists` when the writer may not replace a file that
  ///   appeared at the destination, `.ioFailure` (the writer is then aborted).
  public func finish() throws {
    guard descriptor >= 0 else {
      throw StorageError(.ioFailure, "'\(location)' is already finished or aborted")
    }
    do {
      if synchronous { try SystemCall.synchronize(descriptor, location: location) }
      if replaceExisting {
        guard renameat(folder, temporaryName, folder, name) == 0 else {
          throw SystemCall.error("rename", location, errno)
        }
      } else {
        guard linkat(folder, temporaryName, folder, name, 0) == 0 else {
          throw SystemCall.error("link", location, errno)
        }
        unlinkat(folder, temporaryName, 0)
      }
      close(descriptor)
      descriptor = -1
      if synchronous { try SystemCall.synchronize(folder, location: location) }
    } catch {
      abort()
      throw error
    }
  }

  /// Closes and removes the temporary file; nothing appears at the destination.
  public func abort() {
    guard descriptor >= 0 else { return }
    close(descriptor)
    descriptor = -1
    unlinkat(folder, temporaryName, 0)
  }
}
