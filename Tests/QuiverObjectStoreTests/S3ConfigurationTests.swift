import Foundation
import Testing

@testable import QuiverObjectStore

@Suite struct S3ConfigurationTests {
  @Test func readsTheStandardVariables() throws {
    let configuration = try S3Configuration.fromEnvironment([
      "AWS_ENDPOINT_URL": "http://localhost:9000", "AWS_REGION": "eu-west-3",
      "AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
    ])
    #expect(configuration.scheme == "http")
    #expect(configuration.host == "localhost")
    #expect(configuration.port == 9000)
    #expect(configuration.region == "eu-west-3")
    #expect(configuration.credentials == S3Credentials(accessKeyID: "id", secretAccessKey: "secret", sessionToken: "token"))
    #expect(configuration.addressingStyle == .path)
  }

  @Test func argumentsOverrideVariablesAndAWSIsVirtualHosted() throws {
    let configuration = try S3Configuration.fromEnvironment(
      ["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "us-west-2"],
      credentials: S3Credentials(accessKeyID: "other", secretAccessKey: "x"))
    #expect(configuration.credentials.accessKeyID == "other")
    #expect(configuration.region == "us-west-2")
    #expect(configuration.host == "s3.us-west-2.amazonaws.com")
    #expect(configuration.addressingStyle == .virtualHosted)
    #expect(configuration.address(bucket: "b", key: "k").host == "b.s3.us-west-2.amazonaws.com")
  }

  @Test(arguments: ["ftp://host", "http://", "http://host/path", "not a url", "http://host?x=1"])
  func refusesMalformedEndpoints(_ endpoint: String) {
    let error = #expect(throws: ObjectStoreError.self) {
      try S3Configuration(
        endpoint: endpoint, credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"))
    }
    #expect(error?.code == .invalidConfiguration)
  }

  @Test func missingCredentialsAreNamed() {
    let error = #expect(throws: ObjectStoreError.self) {
      try S3Configuration.fromEnvironment(["AWS_ACCESS_KEY_ID": "id"])
    }
    #expect(error?.code == .invalidConfiguration)
    #expect(error?.message.contains("AWS_SECRET_ACCESS_KEY") == true)
  }

  @Test func retryDelaysGrowWithinTheCapAndStopAtTheLimits() {
    let policy = S3RetryPolicy(
      maximumAttempts: 5, initialDelaySeconds: 0.1, maximumDelaySeconds: 0.3, budgetSeconds: 1)
    #expect(policy.delayBeforeRetry(after: 1, elapsedSeconds: 0, jitter: 1) == 0.1)
    #expect(policy.delayBeforeRetry(after: 2, elapsedSeconds: 0, jitter: 1) == 0.2)
    #expect(policy.delayBeforeRetry(after: 3, elapsedSeconds: 0, jitter: 1) == 0.3)
    #expect(policy.delayBeforeRetry(after: 4, elapsedSeconds: 0, jitter: 0.5) == 0.15)
    #expect(policy.delayBeforeRetry(after: 2, elapsedSeconds: 0, jitter: 0) == 0)
    #expect(policy.delayBeforeRetry(after: 5, elapsedSeconds: 0, jitter: 1) == nil)
    #expect(policy.delayBeforeRetry(after: 1, elapsedSeconds: 0.95, jitter: 1) == nil)
    #expect(S3RetryPolicy(maximumAttempts: 1).delayBeforeRetry(after: 1, elapsedSeconds: 0, jitter: 0) == nil)
  }

  @Test func xmlValuesAreFoundAndDecoded() {
    let document = S3XMLDocument(
      Array(
        """
        <?xml version="1.0"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
        <IsTruncated>false</IsTruncated><KeyCount>2</KeyCount><Contents><Key>a&amp;b&lt;&#x41;&#66;.bin</Key>\
        <Size>12</Size></Contents><Contents><Key>c</Key><Size>0</Size><Owner/></Contents>\
        </ListBucketResult>
        """.utf8))
    let contents = document.elements("Contents")
    #expect(contents.map { $0.value("Key") } == ["a&b<AB.bin", "c"])
    #expect(contents.map { $0.value("Size") } == ["12", "0"])
    #expect(contents[1].value("Owner") == "")
    #expect(document.value("IsTruncated") == "false")
    #expect(document.value("Key") == "a&b<AB.bin")  // not <KeyCount>
    #expect(document.value("KeyCount") == "2")
    #expect(document.value("NextContinuationToken") == nil)
    #expect(S3XMLDocument.escaped("\"a\" & <b>") == "&quot;a&quot; &amp; &lt;b&gt;")
  }

  @Test func datesOfListingsAndHeadersParse() {
    #expect(
      S3DateParsing.iso8601("2026-11-29T09:11:44.500Z")
        == Date(timeIntervalSince1970: 1_795_943_504.5))
    #expect(
      S3DateParsing.rfc1123("Sun, 29 Nov 2026 09:11:44 GMT")
        == Date(timeIntervalSince1970: 1_795_943_504))
    #expect(S3DateParsing.iso8601("yesterday") == nil)
    #expect(S3DateParsing.rfc1123("Sun, 29 Foo 2026 09:11:44 GMT") == nil)
  }
}
