/// An open object read at explicit offsets. Safe to share between threads: reads do not move a
/// shared position.
public protocol StorageReader: Sendable {
  /// The object's size in bytes, fixed when it was opened.
  var size: Int { get }

  /// Reads exactly `buffer.count` bytes at `offset` into `buffer` (locally the C call `pread`).
  /// - Throws: `StorageError` `.outOfRange` if the range is not inside `0..<size`, `.truncated`
  ///   if the object ends early, `.ioFailure`.
  func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws

  /// Reads several ranges at once: remote implementations coalesce nearby ranges into one
  /// request and issue independent requests concurrently; the local one loops over `pread`.
  /// - Returns: the bytes of each range, in the order asked.
  /// - Throws: `StorageError` as `read(at:into:)` does.
  func read(ranges: [Range<Int>]) throws -> [[UInt8]]

  /// Says that `ranges` are about to be read, one read at a time: a remote implementation
  /// fetches what its cache misses of them now, together and at once, so those reads do not
  /// wait for the network one after another. The local one does nothing (the default).
  /// - Throws: `StorageError` as `read(at:into:)` does.
  func prefetch(ranges: [Range<Int>]) throws
}

extension StorageReader {
  /// Does nothing: reads that go straight to a local file gain nothing from being announced.
  public func prefetch(ranges: [Range<Int>]) throws {}

  /// `count` bytes at `offset`.
  /// - Throws: `StorageError` as `read(at:into:)` does.
  public func read(at offset: Int, count: Int) throws -> [UInt8] {
    guard count > 0 else {
      guard count == 0, offset >= 0, offset <= size else {
        throw StorageError(.outOfRange, "range \(offset)+\(count) is outside the object of \(size) bytes")
      }
      return []
    }
    return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      try read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
      initialized = count
    }
  }
}
