#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A regular local file read at explicit offsets (`pread`): the reader of `LocalStorage`, and
/// the one reader of plain local files (the CLI's inputs). Closed when the last reference goes.
///
/// `@unchecked Sendable`: the only state is the immutable descriptor and size; `pread` does not
/// move a shared file position, so concurrent reads are safe.
public final class LocalFileReader: StorageReader, @unchecked Sendable {
  /// The file's path, for messages.
  public let location: String
  /// The file's size in bytes when it was opened.
  public let size: Int
  private let descriptor: Int32

  /// Opens a plain local file given by the user (symbolic links followed, as a shell would);
  /// anything but a regular file (a FIFO, device, socket, folder) is refused without blocking.
  /// - Throws: `StorageError` `.notFound`, `.notRegularFile`, `.permissionDenied`, `.ioFailure`.
  public convenience init(path: String) throws {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemCall.error("open", path, errno) }
    do {
      let info = try SystemCall.status(descriptor, location: path)
      guard SystemCall.isRegularFile(info) else {
        throw StorageError(.notRegularFile, "'\(path)' is not a regular file (\(SystemCall.kindName(info)))")
      }
      self.init(descriptor: descriptor, size: Int(info.st_size), location: path)
    } catch {
      close(descriptor)
      throw error
    }
  }

  /// Takes ownership of an open descriptor of a regular file of `size` bytes.
  init(descriptor: Int32, size: Int, location: String) {
    self.descriptor = descriptor
    self.size = size
    self.location = location
  }

  deinit { close(descriptor) }

  /// Reads exactly `buffer.count` bytes at `offset` (`pread`), retrying short reads.
  /// - Throws: `StorageError` `.outOfRange` if the range is not inside the file's size,
  ///   `.truncated` if the file shrank, `.ioFailure`.
  public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    guard offset >= 0, offset <= size, buffer.count <= size - offset else {
      throw StorageError(
        .outOfRange,
        "range \(offset)+\(buffer.count) is outside '\(location)' of \(size) bytes")
    }
    try SystemCall.readFully(descriptor, at: offset, into: buffer, location: location)
  }

  /// Reads each range with `pread`, in order.
  /// - Throws: `StorageError` as `read(at:into:)` does.
  public func read(ranges: [Range<Int>]) throws -> [[UInt8]] {
    try ranges.map { range in try read(at: range.lowerBound, count: range.count) }
  }

  /// The whole file.
  /// - Throws: `StorageError` as `read(at:into:)` does.
  public func readAll() throws -> [UInt8] { try read(at: 0, count: size) }
}
