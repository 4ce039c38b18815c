import QuiverFormat
import QuiverStorage

/// Reads encapsulated Arrow IPC messages one after another from a file region: each is a
/// continuation marker `0xFFFFFFFF` (absent in pre-1.0 streams), a 4-byte metadata length, the
/// `Message` flatbuffer, then `bodyLength` bytes of body. A zero length ends the stream.
struct ArrowMessageReader {
  /// One message.
  struct Message {
    /// The union type of the header: 1 schema, 2 dictionary batch, 3 record batch.
    var headerType: UInt8
    var header: FlatbufferTable
    var body: [UInt8]
    /// The file offset where the message starts, for messages.
    var offset: Int
  }

  let file: LocalFileReader
  let path: String
  /// Where the next message starts.
  private(set) var position: Int
  /// Where the messages end (the file size, or the start of a file's footer).
  let end: Int

  init(file: LocalFileReader, path: String, start: Int, end: Int) {
    self.file = file
    self.path = path
    position = start
    self.end = end
  }

  private func read(at offset: Int, count: Int, what: String) throws -> [UInt8] {
    guard count >= 0, offset >= 0, count <= end - offset else {
      throw ExchangeError(
        .truncatedFile,
        "\(path): \(what) at byte \(offset) needs \(count) bytes, the data ends at byte \(end)")
    }
    do {
      return try file.read(at: offset, count: count)
    } catch let error as StorageError {
      throw ExchangeError(.ioError, "\(path): \(error.message)")
    }
  }

  /// The next message, or nil at the end of the stream.
  /// - Throws: `ExchangeError` naming the file and the byte offset of the bad message.
  mutating func next() throws -> Message? {
    guard end - position >= 4 else { return nil }
    let start = position
    var word = try read(at: position, count: 4, what: "a message length")
    position += 4
    if word == [0xFF, 0xFF, 0xFF, 0xFF] {
      guard end - position >= 4 else { return nil }
      word = try read(at: position, count: 4, what: "a message length")
      position += 4
    }
    let length = Int(word.withUnsafeBytes { $0.loadUnaligned(as: Int32.self).littleEndian })
    if length == 0 { return nil }
    guard length > 0 else {
      throw ExchangeError(.corruptFile, "\(path): message at byte \(start) has length \(length)")
    }
    let metadata = try read(at: position, count: length, what: "the message")
    position += length
    let context = "\(path): message at byte \(start)"
    let message = try FlatbufferTable(root: metadata, context: context)
    let headerType = try message.integer(1, UInt8.self)
    guard let header = try message.table(2) else {
      throw ExchangeError(.corruptFile, "\(context): the message has no header")
    }
    let bodyLength = try message.integer(3, Int64.self)
    guard bodyLength >= 0, bodyLength <= Int64(end - position) else {
      throw ExchangeError(
        .truncatedFile,
        "\(context): a body of \(bodyLength) bytes runs past the data's end at byte \(end)")
    }
    let body = try read(at: position, count: Int(bodyLength), what: "the message body")
    position += Int(bodyLength)
    return Message(headerType: headerType, header: header, body: body, offset: start)
  }
}
