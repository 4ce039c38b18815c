/// A new object being written as a stream (`Storage.createObject`). Nothing is visible at its
/// path until `finish()` returns. Use from one thread.
public protocol StorageWriter: AnyObject {
  /// Bytes written so far.
  var bytesWritten: Int { get }

  /// Appends `bytes` to the object.
  /// - Throws: `StorageError` `.ioFailure` (the writer is then aborted).
  func write(_ bytes: UnsafeRawBufferPointer) throws

  /// Makes the object visible at its path (and durable, when the storage is). Callers give new
  /// objects unique names (uuids; version numbers go through `putIfAbsent`): the local storage
  /// refuses to replace an existing object (`.alreadyExists`), an object store may replace it.
  /// - Throws: `StorageError` `.alreadyExists`, `.ioFailure` (the writer is then aborted).
  func finish() throws

  /// Abandons the object: nothing becomes visible, temporary bytes are removed.
  func abort()
}

extension StorageWriter {
  /// Appends a byte array.
  /// - Throws: `StorageError` as `write(_:)` does.
  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { buffer in try write(buffer) }
  }
}
