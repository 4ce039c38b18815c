import Foundation
import QuiverKernels

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A read-only index file read at absolute offsets (`pread`), safe to share between threads.
/// Every read is checked against the file size first.
package final class IndexFileReader: Sendable {
  /// The file's path (for error messages).
  package let path: String
  /// The file's size in bytes.
  package let size: Int
  private let descriptor: Int32

  /// Opens `url` for reading.
  ///
  /// - Throws: `IndexError.ioFailure` if it cannot be opened.
  package init(_ url: URL) throws(IndexError) {
    path = url.path
    let fd = open(url.path, O_RDONLY)
    guard fd >= 0 else {
      throw IndexError(.ioFailure, "\(url.path): cannot open (errno \(errno))")
    }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      close(fd)
      throw IndexError(.ioFailure, "\(url.path): cannot stat (errno \(errno))")
    }
    descriptor = fd
    size = Int(info.st_size)
  }

  deinit { close(descriptor) }

  /// Reads `length` bytes at `offset` (the C call `pread`).
  ///
  /// - Throws: `IndexError.corruptFile` if the range is outside the file, `.ioFailure` if the
  ///   read fails.
  package func read(at offset: Int, length: Int) throws(IndexError) -> [UInt8] {
    guard offset >= 0, length >= 0, offset <= size, length <= size - offset else {
      throw IndexError(
        .corruptFile, "\(path): range \(offset)+\(length) is outside the file of \(size) bytes")
    }
    var bytes = [UInt8](repeating: 0, count: length)
    var done = 0
    while done < length {
      let got = bytes.withUnsafeMutableBytes { buffer in
        pread(descriptor, buffer.baseAddress! + done, length - done, off_t(offset + done))
      }
      if got < 0 && errno == EINTR { continue }
      guard got > 0 else {
        throw IndexError(.ioFailure, "\(path): read failed at \(offset + done) (errno \(errno))")
      }
      done += got
    }
    return bytes
  }
}

/// Little-endian encoding helpers for the index files (Docs/Format.md, "IVF index files").
package struct ByteWriter {
  /// The bytes written so far.
  package private(set) var bytes: [UInt8] = []

  package init() {}

  package mutating func append(_ value: UInt32) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  package mutating func append(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  package mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more) }

  package mutating func append(floats: [Float]) {
    precondition(UInt32(1).littleEndian == 1, "index files are written on little-endian hosts")
    floats.withUnsafeBytes { bytes.append(contentsOf: $0) }
  }

  package mutating func append(words: [UInt64]) {
    precondition(UInt32(1).littleEndian == 1, "index files are written on little-endian hosts")
    words.withUnsafeBytes { bytes.append(contentsOf: $0) }
  }

  /// Zero bytes up to the next multiple of `alignment`.
  package mutating func pad(to alignment: Int) {
    let extra = (alignment - bytes.count % alignment) % alignment
    bytes.append(contentsOf: repeatElement(0, count: extra))
  }
}

/// Reads little-endian values from a byte array, checking every length.
package struct ByteReader {
  let bytes: [UInt8]
  let path: String
  /// The next offset to read.
  package var offset: Int

  package init(_ bytes: [UInt8], path: String, offset: Int = 0) {
    self.bytes = bytes
    self.path = path
    self.offset = offset
  }

  mutating func take(_ count: Int, _ what: String) throws(IndexError) -> ArraySlice<UInt8> {
    guard count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
      throw IndexError(
        .corruptFile,
        "\(path): \(what) needs \(count) bytes at \(offset), past the end (\(bytes.count))")
    }
    defer { offset += count }
    return bytes[offset..<(offset + count)]
  }

  package mutating func readUInt32(_ what: String) throws(IndexError) -> UInt32 {
    let slice = try take(4, what)
    return slice.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
  }

  package mutating func readUInt64(_ what: String) throws(IndexError) -> UInt64 {
    let slice = try take(8, what)
    return slice.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
  }

  package mutating func readBytes(_ count: Int, _ what: String) throws(IndexError) -> [UInt8] {
    Array(try take(count, what))
  }

  package mutating func readFloats(_ count: Int, _ what: String) throws(IndexError) -> [Float] {
    guard count >= 0, count <= Int.max / 4 else {
      throw IndexError(.corruptFile, "\(path): \(what) count \(count) is invalid")
    }
    let slice = try take(count * 4, what)
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
      slice.withUnsafeBytes { raw in
        UnsafeMutableRawBufferPointer(out).copyMemory(from: raw)
      }
      initialized = count
    }
  }

  package mutating func readWords(_ count: Int, _ what: String) throws(IndexError) -> [UInt64] {
    guard count >= 0, count <= Int.max / 8 else {
      throw IndexError(.corruptFile, "\(path): \(what) count \(count) is invalid")
    }
    let slice = try take(count * 8, what)
    return [UInt64](unsafeUninitializedCapacity: count) { out, initialized in
      slice.withUnsafeBytes { raw in
        UnsafeMutableRawBufferPointer(out).copyMemory(from: raw)
      }
      initialized = count
    }
  }

  package mutating func skip(to alignment: Int) {
    offset += (alignment - offset % alignment) % alignment
  }
}
