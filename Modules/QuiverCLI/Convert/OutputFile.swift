import Foundation
import QuiverStorage

/// A file (a resource, hence a class) written through a buffer into a `LocalFileWriter` (a hidden
/// temporary name beside its target), and moved into place only by `commit()`: a failed or
/// interrupted write never leaves a half-written file under the target's name.
final class OutputFile {
  /// The target path as the user gave it.
  let path: String
  /// Bytes written so far (the size of the file once committed).
  private(set) var size: Int64 = 0

  private let file: LocalFileWriter
  private var buffer: [UInt8] = []
  private let bufferLimit = 1 << 20

  /// Creates the temporary file for `path`.
  /// - Parameter replacing: when false, fails if `path` exists.
  /// - Throws: `CLIError.cannotCreate` when the target exists (and `replacing` is false) or its
  ///   folder is missing or not writable.
  init(path: String, replacing: Bool) throws {
    self.path = path
    do {
      file = try LocalFileWriter(path: path, replaceExisting: replacing)
    } catch let error as StorageError where error.code == .alreadyExists {
      throw CLIError(
        .cannotCreate, "\(path): already exists (use --mode overwrite to replace it)")
    } catch let error as StorageError {
      throw CLIError(.cannotCreate, "\(path): cannot create file: \(error.message)")
    }
    buffer.reserveCapacity(bufferLimit)
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

  /// Appends `rowCount` rows, each encoded by `appendRow(row, &bytes)` straight into the
  /// file's buffer, which is written out whenever it holds a mebibyte.
  func writeRows(
    _ rowCount: Int, _ appendRow: (_ row: Int, _ bytes: inout [UInt8]) throws -> Void
  ) throws {
    for row in 0..<rowCount {
      let before = buffer.count
      try appendRow(row, &buffer)
      size += Int64(buffer.count - before)
      if buffer.count >= bufferLimit { try flush() }
    }
  }

  /// Overwrites bytes at `offset` (which must already have been written, for example a header
  /// patched at the end).
  func overwrite(_ bytes: [UInt8], at offset: Int64) throws {
    try flush()
    precondition(offset + Int64(bytes.count) <= size, "overwrite past what was written")
    try failing("write") { try file.overwrite(bytes, at: Int(offset)) }
  }

  /// Flushes, syncs and moves the file into place.
  func commit() throws {
    try flush()
    try failing("commit") { try file.finish() }
  }

  /// Deletes the temporary file; the target is untouched.
  func abandon() { file.abort() }

  private func flush() throws {
    try failing("write") { try file.write(buffer) }
    buffer.removeAll(keepingCapacity: true)
  }

  private func failing(_ action: String, _ body: () throws -> Void) throws {
    do {
      try body()
    } catch let error as StorageError {
      throw CLIError(.ioFailure, "\(path): \(action) failed: \(error.message)")
    }
  }
}
