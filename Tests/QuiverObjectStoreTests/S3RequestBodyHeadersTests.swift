import Crypto
import Foundation
import Testing

@testable import QuiverObjectStore

/// Every request with a body says how long it is and what its MD5 is, so the server can refuse
/// a body that did not arrive whole (against a scripted server that records what it received).
@Suite struct S3RequestBodyHeadersTests {
  static func contentMD5(_ bytes: [UInt8]) -> String {
    Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()
  }

  @Test(arguments: [0, 1, 1_000, 70_000])
  func putsCarryAnExactLengthAndTheBodyMD5(size: Int) async throws {
    let ok = ScriptedHTTPServer.answer(200, "OK", body: [], headers: ["ETag: \"tag\""])
    let server = try ScriptedHTTPServer(script: Array(repeating: ok, count: 3))
    let client = S3Client(
      bucket: "bucket",
      configuration: try S3Configuration(
        endpoint: "http://127.0.0.1:\(server.port)",
        credentials: S3Credentials(accessKeyID: "id", secretAccessKey: "secret")))
    let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    try await client.put("data/a.bin", bytes)
    #expect(try await client.putIfAbsent("_versions/2.manifest", bytes))
    _ = try await client.uploadPart("data/b.bin", uploadID: "u", partNumber: 1, bytes)
    let requests = server.requestsReceived
    try #require(requests.count == 3)
    for request in requests {
      #expect(request.body == bytes)
      #expect(request.header("Content-Length") == String(size))
      #expect(request.header("Content-MD5") == Self.contentMD5(bytes))
      let signedHeaders = request.header("Authorization")?.components(separatedBy: "SignedHeaders=")
        .last?.prefix { $0 != "," }
      #expect(signedHeaders?.split(separator: ";").contains("content-md5") == true)
      #expect(signedHeaders?.split(separator: ";").contains("content-length") == true)
    }
    #expect(requests[1].header("If-None-Match") == "*")
  }
}
