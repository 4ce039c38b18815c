import Foundation
import QuiverStorage

/// A file (a resource, hence a class) read sequentially through a fixed buffer from a
/// `LocalFileReader`, so any file size reads in bounded memory. Tracks the byte offset of the
/// next unread byte for error messages.
final class InputFile {
  /// The path as the user gave it (used in messages).
  let path: String
  /// The file's size in bytes when it was opened.
  let size: Int64
  /// The offset of the next byte `nextByte`/`read` returns.
  private(set) var offset: Int64 = 0

  private let file: LocalFileReader
  /// Where the next `refill` reads.
  private var fileOffset = 0
  private var buffer: UnsafeMutableRawBufferPointer
  private var start = 0
  private var end = 0

  /// Opens `path` for reading (a regular file; a FIFO or device is refused without blocking).
  /// - Throws: `CLIError.noInput` when it does not exist, cannot be read or is not a regular
  ///   file.
  init(path: String, bufferSize: Int = 1 << 20) throws {
    self.path = path
    file = try Self.open(path)
    self.size = Int64(file.size)
    self.buffer = .allocate(byteCount: bufferSize, alignment: 64)
  }

  deinit { buffer.deallocate() }

  /// Opens `path` as a regular file (a FIFO or device is refused without blocking).
  /// - Throws: `CLIError.noInput` when it does not exist, cannot be read or is not a regular
  ///   file.
  static func open(_ path: String) throws -> LocalFileReader {
    do {
      return try LocalFileReader(path: path)
    } catch let error as StorageError where error.code == .notRegularFile {
      throw CLIError(.noInput, "\(path): not a regular file")
    } catch let error as StorageError {
      throw CLIError(.noInput, "\(path): cannot open: \(error.message)")
    }
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
  /// - Parameter limit: the most bytes `destination` may hold; beyond it `tooLong` is thrown, so
  ///   a file without delimiters cannot exhaust memory.
  func read(
    until first: UInt8, or second: UInt8, appendingTo destination: inout [UInt8],
    limit: Int = .max, tooLong: @autoclosure () -> Error = CLIError(.badData, "too long")
  ) throws -> UInt8? {
    while true {
      if start == end {
        try refill()
        if start == end { return nil }
      }
      var index = start
      while index < end, buffer[index] != first, buffer[index] != second { index += 1 }
      guard index - start <= limit - destination.count else { throw tooLong() }
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
    let count = min(buffer.count, file.size - fileOffset)
    do {
      try file.read(at: fileOffset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
    } catch let error as StorageError {
      end = 0
      throw CLIError(.ioFailure, "\(path): byte \(offset): read failed: \(error.message)")
    }
    fileOffset += count
    end = count
  }
}
