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
/// `@unchecked Sendable`: `port` is immutable and `requestsServed` is guarded by `lock`.
final class ScriptedHTTPServer: @unchecked Sendable {
  /// The port it listens on.
  let port: Int
  private let lock = NSLock()
  private var served = 0

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
        Self.readRequest(connection)
        answer.withUnsafeBytes { _ = send(connection, $0.baseAddress, $0.count, 0) }
        shutdown(connection, Int32(SHUT_RDWR))
        close(connection)
        lock.withLock { served += 1 }
      }
      close(listener)
    }
    thread.start()
  }

  /// Connections answered so far.
  var requestsServed: Int { lock.withLock { served } }

  /// Reads a request's head and its body (by `Content-Length`).
  private static func readRequest(_ connection: Int32) {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    var needed: Int?
    while needed.map({ received.count < $0 }) ?? true {
      let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { return }
      received += buffer[0..<count]
      if needed == nil, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
          .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
        needed = end.upperBound + (length ?? 0)
      }
    }
  }
}
