import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file (a resource, hence a class) opened for sequential reading through a fixed buffer, so
/// any file size reads in bounded memory. Tracks the byte offset of the next unread byte for
/// error messages.
final class InputFile {
  /// The path as the user gave it (used in messages).
  let path: String
  /// The file's size in bytes when it was opened.
  let size: Int64
  /// The offset of the next byte `nextByte`/`read` returns.
  private(set) var offset: Int64 = 0

  private let descriptor: Int32
  private var buffer: UnsafeMutableRawBufferPointer
  private var start = 0
  private var end = 0

  /// Opens `path` for reading.
  /// - Throws: `CLIError.noInput` when it does not exist or cannot be read.
  init(path: String, bufferSize: Int = 1 << 20) throws {
    self.path = path
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw CLIError(.noInput, "\(path): cannot open: \(String(cString: strerror(errno)))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      throw CLIError(.noInput, "\(path): not a regular file")
    }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw CLIError(.noInput, "\(path): cannot open: \(String(cString: strerror(errno)))")
    }
    self.descriptor = descriptor
    self.size = Int64(status.st_size)
    self.buffer = .allocate(byteCount: bufferSize, alignment: 64)
  }

  deinit {
    buffer.deallocate()
    close(descriptor)
  }

  /// Whether every byte has been consumed.
  func atEnd() throws -> Bool {
    if start < end { return false }
    try refill()
    return start == end
  }

  /// The next byte, or nil at the end of the file.
  @inline(__always)
  func nextByte() throws -> UInt8? {
    if start == end {
      try refill()
      if start == end { return nil }
    }
    let byte = buffer[start]
    start += 1
    offset += 1
    return byte
  }

  /// The next byte without consuming it, or nil at the end of the file.
  func peekByte() throws -> UInt8? {
    if start == end {
      try refill()
      if start == end { return nil }
    }
    return buffer[start]
  }

  /// Appends the bytes before the first `first` or `second` to `destination`, consumes that
  /// delimiter and returns it; at the end of the file, appends the rest and returns nil. Scans
  /// the buffer in bulk (the hot loop of CSV parsing).
  func read(
    until first: UInt8, or second: UInt8, appendingTo destination: inout [UInt8]
  ) throws -> UInt8? {
    while true {
      if start == end {
        try refill()
        if start == end { return nil }
      }
      var index = start
      while index < end, buffer[index] != first, buffer[index] != second { index += 1 }
      destination.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<index]))
      offset += Int64(index - start)
      if index < end {
        let delimiter = buffer[index]
        start = index + 1
        offset += 1
        return delimiter
      }
      start = end
    }
  }

  /// Reads up to `count` bytes into `destination` (appending); returns how many were read, fewer
  /// than `count` only at the end of the file.
  func read(_ count: Int, appendingTo destination: inout [UInt8]) throws -> Int {
    var copied = 0
    while copied < count {
      if start == end {
        try refill()
        if start == end { break }
      }
      let take = min(count - copied, end - start)
      destination.append(
        contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + take)]))
      start += take
      copied += take
    }
    offset += Int64(copied)
    return copied
  }

  private func refill() throws {
    start = 0
    end = 0
    while true {
      let count = Glibc_read(descriptor, buffer.baseAddress!, buffer.count)
      if count < 0 {
        if errno == EINTR { continue }
        throw CLIError(
          .ioFailure, "\(path): byte \(offset): read failed: \(String(cString: strerror(errno)))")
      }
      end = count
      return
    }
  }
}

/// `read(2)`, named apart from `InputFile.read`.
@inline(__always)
private func Glibc_read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int
{
  read(descriptor, buffer, count)
}
