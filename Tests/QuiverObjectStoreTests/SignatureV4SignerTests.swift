import Testing

@testable import QuiverObjectStore

/// Signing checked against AWS's published examples: the Signature V4 test suite (`get-vanilla`,
/// `post-vanilla`, service `service`) and the worked examples of S3's "Signature Calculations
/// for the Authorization Header" (GET with Range, PUT with an encoded key, ListObjects).
@Suite struct SignatureV4SignerTests {
  let suiteSigner = SignatureV4Signer(
    credentials: S3Credentials(
      accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    region: "us-east-1", service: "service")
  let s3Signer = SignatureV4Signer(
    credentials: S3Credentials(
      accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    region: "us-east-1", service: "s3")
  let suiteTime = SignatureV4Timestamp(secondsSince1970: 1_440_938_160)  // 2015-08-30 12:36:00
  let s3Time = SignatureV4Timestamp(secondsSince1970: 1_369_353_600)  // 2013-05-24 00:00:00

  @Test func timestampsAreUTC() {
    #expect(suiteTime.dateTime == "20150830T123600Z")
    #expect(suiteTime.date == "20150830")
    #expect(s3Time.dateTime == "20130524T000000Z")
  }

  @Test func getVanilla() {
    let signature = suiteSigner.sign(
      method: "GET", encodedPath: "/", query: [],
      headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
      payloadHash: SignatureV4Signer.emptyPayloadHash, timestamp: suiteTime)
    #expect(
      signature.canonicalRequest
        == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
        + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      signature.stringToSign
        == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
        + "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")
    #expect(
      signature.authorization
        == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        + "SignedHeaders=host;x-amz-date, "
        + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
  }

  @Test func postVanilla() {
    let signature = suiteSigner.sign(
      method: "POST", encodedPath: "/", query: [],
      headers: [("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")],
      payloadHash: SignatureV4Signer.emptyPayloadHash, timestamp: suiteTime)
    #expect(signature.signature == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
  }

  @Test func s3GetObjectWithRange() {
    let signature = s3Signer.sign(
      method: "GET", encodedPath: "/test.txt", query: [],
      headers: [
        ("host", "examplebucket.s3.amazonaws.com"), ("range", "bytes=0-9"),
        ("x-amz-content-sha256", SignatureV4Signer.emptyPayloadHash),
        ("x-amz-date", "20130524T000000Z"),
      ],
      payloadHash: SignatureV4Signer.emptyPayloadHash, timestamp: s3Time)
    #expect(
      signature.stringToSign.hasSuffix(
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
    #expect(
      signature.authorization
        == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
  }

  /// The PUT example, through the client's own addressing: the key `test$file.text` must be
  /// encoded once in the path (`/test%24file.text`) of a virtual-hosted request.
  @Test func s3PutObjectThroughVirtualHostedAddressing() throws {
    let configuration = try S3Configuration(
      endpoint: "https://s3.amazonaws.com", credentials: s3Signer.credentials,
      addressingStyle: .virtualHosted)
    let (host, path) = configuration.address(bucket: "examplebucket", key: "test$file.text")
    #expect(host == "examplebucket.s3.amazonaws.com")
    #expect(path == "/test%24file.text")
    let payloadHash = SignatureV4Signer.hexSHA256(Array("Welcome to Amazon S3.".utf8))
    #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
    let signature = s3Signer.sign(
      method: "PUT", encodedPath: path, query: [],
      headers: [
        ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("host", host),
        ("x-amz-content-sha256", payloadHash), ("x-amz-date", s3Time.dateTime),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
      ],
      payloadHash: payloadHash, timestamp: s3Time)
    #expect(signature.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
  }

  @Test func s3ListObjectsSortsAndEncodesTheQuery() {
    let signature = s3Signer.sign(
      method: "GET", encodedPath: "/", query: [("prefix", "J"), ("max-keys", "2")],
      headers: [
        ("host", "examplebucket.s3.amazonaws.com"),
        ("x-amz-content-sha256", SignatureV4Signer.emptyPayloadHash),
        ("x-amz-date", s3Time.dateTime),
      ],
      payloadHash: SignatureV4Signer.emptyPayloadHash, timestamp: s3Time)
    #expect(signature.canonicalRequest.split(separator: "\n")[2] == "max-keys=2&prefix=J")
    #expect(signature.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
  }

  @Test func pathStyleKeepsSlashesAndEncodesTheRest() throws {
    let configuration = try S3Configuration(
      endpoint: "http://127.0.0.1:8333",
      credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"))
    #expect(configuration.addressingStyle == .path)
    let (host, path) = configuration.address(bucket: "bucket", key: "db/t.quiver/a b+c~é.qvf")
    #expect(host == "127.0.0.1:8333")
    #expect(path == "/bucket/db/t.quiver/a%20b%2Bc~%C3%A9.qvf")
    #expect(configuration.address(bucket: "bucket", key: "").encodedPath == "/bucket")
    #expect(S3URIEncoding.encode("a/b=c&d") == "a%2Fb%3Dc%26d")
  }
}
