import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A one-thread HTTP server on 127.0.0.1 that answers each connection with the next scripted
/// bytes and closes it; when the script is used up it stops listening, as a server that went
/// away. An empty answer closes the connection without answering (a write whose answer was
/// lost).
///
/// `@unchecked Sendable`: `port` is immutable; `served` and `received` are guarded by `lock`.
final class ScriptedHTTPServer: @unchecked Sendable {
  /// One request as it arrived: the head (request line and headers) and the body.
  struct ReceivedRequest: Sendable {
    /// The request line and headers, without the blank line.
    var head: String
    /// The body (as many bytes as `Content-Length` announced, or fewer if the peer hung up).
    var body: [UInt8]

    /// The value of header `name` (case-insensitive), or nil.
    func header(_ name: String) -> String? {
      head.split(separator: "\r\n").dropFirst().lazy
        .map { $0.split(separator: ":", maxSplits: 1) }
        .first { $0.count == 2 && $0[0].lowercased() == name.lowercased() }
        .map { $0[1].trimmingCharacters(in: .whitespaces) }
    }
  }

  /// The port it listens on.
  let port: Int
  private let lock = NSLock()
  private var served = 0
  private var received: [ReceivedRequest] = []

  /// An answer with a status, a reason, headers and a body; `cutAfter` sends only that many
  /// bytes of the body and closes the connection (a server that died mid-answer).
  static func answer(
    _ status: Int, _ reason: String, body: [UInt8], headers: [String] = [], cutAfter: Int? = nil
  ) -> [UInt8] {
    var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: \(body.count)\r\n"
    head += "Connection: close\r\n" + headers.map { "\($0)\r\n" }.joined() + "\r\n"
    return Array(head.utf8) + body.prefix(cutAfter ?? body.count)
  }

  /// Starts serving `script`, one entry per connection.
  init(script: [[UInt8]]) throws {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        bind(listener, socketAddress, length) == 0 && listen(listener, 16) == 0
          && getsockname(listener, socketAddress, &length) == 0
      }
    }
    guard listener >= 0, bound else {
      throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
    port = Int(UInt16(bigEndian: address.sin_port))
    let thread = Thread { [self] in
      for answer in script {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { break }
        let request = Self.readRequest(connection)
        answer.withUnsafeBytes { _ = send(connection, $0.baseAddress, $0.count, 0) }
        shutdown(connection, Int32(SHUT_RDWR))
        close(connection)
        lock.withLock {
          served += 1
          if let request { received.append(request) }
        }
      }
      close(listener)
    }
    thread.start()
  }

  /// Connections answered so far.
  var requestsServed: Int { lock.withLock { served } }

  /// The requests answered so far, in order.
  var requestsReceived: [ReceivedRequest] { lock.withLock { received } }

  /// Reads a request's head and its body (by `Content-Length`); nil if the peer hung up before
  /// the head was complete.
  private static func readRequest(_ connection: Int32) -> ReceivedRequest? {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    var headEnd: Range<Int>?
    var needed: Int?
    while needed.map({ received.count < $0 }) ?? true {
      let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { break }
      received += buffer[0..<count]
      if headEnd == nil, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
        headEnd = end
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
          .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
        needed = end.upperBound + (length ?? 0)
      }
    }
    guard let headEnd else { return nil }
    return ReceivedRequest(
      head: String(decoding: received[..<headEnd.lowerBound], as: UTF8.self),
      body: Array(received[headEnd.upperBound...]))
  }
}
