import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client for one bucket of an S3-compatible object store.
///
/// Every request is signed with Signature V4 and retried by the configuration's
/// `S3RetryPolicy` on server errors (5xx), throttling (429 or `SlowDown`) and broken
/// connections; after the last try the error is an `ObjectStoreError` naming bucket, key and
/// status. The work runs on SwiftNIO's event loops: the `async` methods suspend without holding
/// a thread, and the synchronous callers in this module (`S3Storage`) block only their own
/// thread while waiting.
public final class S3Client: Sendable {
  /// The bucket every request names.
  public let bucket: String
  /// Endpoint, region, credentials, addressing and retries.
  public let configuration: S3Configuration
  private let signer: SignatureV4Signer
  private let http: HTTPClient
  private let counter = S3RequestCounter()

  /// HTTP requests this client has sent, retries included (for measurements and tests).
  public var requestsSent: Int { counter.value }

  /// `requestsSent` by kind: the HTTP method of object requests (`GET`, `HEAD`, `PUT`, `POST`,
  /// `DELETE`) and `LIST` for listings.
  public var requestsSentByKind: [String: Int] { counter.byKind }

  /// The most requests this client has had in flight at once, retries included (for
  /// measurements and tests: one read keeps its GETs within
  /// `S3StorageOptions.concurrentRequests`).
  public var peakRequestsInFlight: Int { counter.peakInFlight }

  /// A client for `bucket`.
  public init(bucket: String, configuration: S3Configuration) {
    self.bucket = bucket
    self.configuration = configuration
    signer = SignatureV4Signer(
      credentials: configuration.credentials, region: configuration.region, service: "s3")
    http = sharedObjectStoreHTTPClient
  }

  // MARK: Requests as futures (the module's synchronous callers wait on these)

  /// Reads the object, or the bytes in `range` of it (a `Range` request).
  func startGet(_ key: String, range: Range<Int>? = nil) -> EventLoopFuture<[UInt8]> {
    var request = S3Request(method: .GET, operation: "GET", key: key)
    if let range {
      if range.isEmpty { return http.eventLoopGroup.any().makeSucceededFuture([]) }
      request.headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)"))
    }
    return send(request).map { response in
      guard let range, response.status == 200 else { return response.body }
      return Self.slice(range, ofWholeObject: response.body)
    }
  }

  /// The bytes in the non-empty `range` of the object and the object's size, which the answer's
  /// `Content-Range` gives (`bytes FIRST-LAST/SIZE`): one GET where a HEAD and a GET would do.
  func startGetReportingSize(_ key: String, range: Range<Int>)
    -> EventLoopFuture<(bytes: [UInt8], objectSize: Int)>
  {
    var request = S3Request(method: .GET, operation: "GET", key: key)
    request.headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)"))
    return send(request).flatMapThrowing { response in
      if response.status == 200 {
        return (Self.slice(range, ofWholeObject: response.body), response.body.count)
      }
      guard let contentRange = response.headers.first(name: "content-range"),
        let size = contentRange.split(separator: "/").last.flatMap({ Int($0) })
      else {
        throw ObjectStoreError(
          .invalidResponse, operation: "GET", bucket: self.bucket, key: key,
          status: response.status, detail: "the answer has no Content-Range naming the size")
      }
      return (response.body, size)
    }
  }

  /// The bytes of `range` in the answer of a server that ignored `Range` and sent the whole
  /// object (status 200).
  private static func slice(_ range: Range<Int>, ofWholeObject body: [UInt8]) -> [UInt8] {
    let end = min(range.upperBound, body.count)
    return range.lowerBound < end ? Array(body[range.lowerBound..<end]) : []
  }

  /// The object's size and metadata (a HEAD request); `.notFound` when it does not exist.
  func startHead(_ key: String) -> EventLoopFuture<S3ObjectInfo> {
    let request = S3Request(method: .HEAD, operation: "HEAD", key: key)
    return send(request).flatMapThrowing { response in
      guard let length = response.headers.first(name: "content-length").flatMap({ Int($0) }) else {
        throw ObjectStoreError(
          .invalidResponse, operation: "HEAD", bucket: self.bucket, key: key,
          status: response.status, detail: "the answer has no Content-Length")
      }
      return S3ObjectInfo(
        key: key, size: length,
        lastModified: response.headers.first(name: "last-modified").flatMap(S3DateParsing.rfc1123),
        entityTag: response.headers.first(name: "etag").map(Self.unquoted))
    }
  }

  /// Writes the whole object. With `ifAbsent`, the PUT carries `If-None-Match: *` and fails with
  /// `.alreadyExists` when an object is already there.
  ///
  /// Like every request with a body, the PUT carries `Content-MD5` and an exact
  /// `Content-Length`, so a body cut short (a writer killed mid-PUT) is refused, not stored.
  ///
  /// A conditional PUT that was retried may find the object its own earlier try wrote (the
  /// write landed, its answer was lost). So a 412 after a retry is checked: when the stored
  /// object's entity tag is the MD5 of `bytes`, the write is ours and succeeds.
  func startPut(_ key: String, _ bytes: [UInt8], ifAbsent: Bool = false) -> EventLoopFuture<Void> {
    var request = S3Request(method: .PUT, operation: ifAbsent ? "PUT IF ABSENT" : "PUT", key: key)
    request.setBody(bytes)
    if ifAbsent { request.headers.append(("If-None-Match", "*")) }
    let ourTag = (request.bodyMD5 ?? []).map { String(format: "%02x", $0) }.joined()
    return send(request).map { _ in }.flatMapError { error in
      let eventLoop = self.http.eventLoopGroup.any()
      guard let failure = error as? ObjectStoreError, failure.code == .alreadyExists,
        failure.attempts > 1
      else { return eventLoop.makeFailedFuture(error) }
      return self.startHead(key).flatMapThrowing { stored in
        guard stored.entityTag?.lowercased() == ourTag else { throw failure }
      }.flatMapErrorThrowing { _ in throw failure }
    }
  }

  /// Removes the object; removing one that does not exist succeeds.
  func startDelete(_ key: String) -> EventLoopFuture<Void> {
    send(S3Request(method: .DELETE, operation: "DELETE", key: key)).map { _ in }.flatMapError {
      error in
      if let error = error as? ObjectStoreError, error.code == .notFound {
        return self.http.eventLoopGroup.any().makeSucceededVoidFuture()
      }
      return self.http.eventLoopGroup.any().makeFailedFuture(error)
    }
  }

  /// Every object whose key starts with `prefix` (ListObjectsV2, all pages), in key order.
  /// With a `delimiter`, keys that continue past it after the prefix are left out (one level).
  /// `pageSize` asks for at most that many keys per request (the server's default is 1,000).
  func startList(
    prefix: String, delimiter: String? = nil, pageSize: Int? = nil
  ) -> EventLoopFuture<[S3ObjectInfo]> {
    startListing(prefix: prefix, delimiter: delimiter, pageSize: pageSize).map(\.objects)
  }

  /// The objects and common prefixes under `prefix` (ListObjectsV2 with `delimiter`, every
  /// page, following continuation tokens). `pageSize` asks for at most that many keys and
  /// prefixes per request (the server's default is 1,000).
  func startListing(
    prefix: String, delimiter: String?, pageSize: Int? = nil
  ) -> EventLoopFuture<S3Listing> {
    let promise = http.eventLoopGroup.any().makePromise(of: S3Listing.self)
    var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix)]
    if let delimiter { query.append(("delimiter", delimiter)) }
    if let pageSize { query.append(("max-keys", String(pageSize))) }
    listPage(prefix: prefix, query: query, token: nil, collected: S3Listing(), promise: promise)
    return promise.futureResult
  }

  private func listPage(
    prefix: String, query: [(name: String, value: String)], token: String?,
    collected: S3Listing, promise: EventLoopPromise<S3Listing>
  ) {
    var request = S3Request(method: .GET, operation: "LIST", key: "")
    request.query = query
    if let token { request.query.append(("continuation-token", token)) }
    send(request, errorKey: prefix).whenComplete { result in
      switch result {
      case .failure(let error):
        promise.fail(error)
      case .success(let response):
        let invalid = { (detail: String) in
          promise.fail(
            ObjectStoreError(
              .invalidResponse, operation: "LIST", bucket: self.bucket, key: prefix,
              status: response.status, detail: detail))
        }
        let document = S3XMLDocument(response.body)
        var listing = collected
        for entry in document.elements("Contents") {
          guard let key = entry.value("Key"), let size = entry.value("Size").flatMap({ Int($0) })
          else { return invalid("a listed object has no key or size") }
          listing.objects.append(
            S3ObjectInfo(
              key: key, size: size,
              lastModified: entry.value("LastModified").flatMap(S3DateParsing.iso8601),
              entityTag: entry.value("ETag").map(Self.unquoted)))
        }
        for entry in document.elements("CommonPrefixes") {
          guard let commonPrefix = entry.value("Prefix") else {
            return invalid("a listed common prefix has no Prefix")
          }
          listing.commonPrefixes.append(commonPrefix)
        }
        if document.value("IsTruncated") == "true" {
          guard let next = document.value("NextContinuationToken"), !next.isEmpty else {
            return invalid("a truncated listing has no continuation token")
          }
          self.listPage(
            prefix: prefix, query: query, token: next, collected: listing, promise: promise)
        } else {
          promise.succeed(listing)
        }
      }
    }
  }

  /// Starts a multipart upload and returns its upload id.
  func startCreateMultipartUpload(_ key: String) -> EventLoopFuture<String> {
    var request = S3Request(method: .POST, operation: "CREATE MULTIPART UPLOAD", key: key)
    request.query = [("uploads", "")]
    return send(request).flatMapThrowing { response in
      guard let uploadID = S3XMLDocument(response.body).value("UploadId"), !uploadID.isEmpty else {
        throw ObjectStoreError(
          .invalidResponse, operation: "CREATE MULTIPART UPLOAD", bucket: self.bucket, key: key,
          status: response.status, detail: "the answer has no UploadId")
      }
      return uploadID
    }
  }

  /// Uploads part `partNumber` (1-based; every part but the last at least 5 MiB) and returns its
  /// entity tag.
  func startUploadPart(
    _ key: String, uploadID: String, partNumber: Int, _ bytes: [UInt8]
  ) -> EventLoopFuture<String> {
    var request = S3Request(method: .PUT, operation: "UPLOAD PART \(partNumber)", key: key)
    request.query = [("partNumber", String(partNumber)), ("uploadId", uploadID)]
    request.setBody(bytes)
    return send(request).flatMapThrowing { response in
      guard let entityTag = response.headers.first(name: "etag") else {
        throw ObjectStoreError(
          .invalidResponse, operation: "UPLOAD PART \(partNumber)", bucket: self.bucket, key: key,
          status: response.status, detail: "the answer has no ETag")
      }
      return entityTag
    }
  }

  /// Completes a multipart upload from its parts' entity tags, in part order: the object
  /// appears whole.
  func startCompleteMultipartUpload(
    _ key: String, uploadID: String, partEntityTags: [String]
  ) -> EventLoopFuture<Void> {
    var body = "<CompleteMultipartUpload>"
    for (index, entityTag) in partEntityTags.enumerated() {
      body += "<Part><PartNumber>\(index + 1)</PartNumber>"
      body += "<ETag>\(S3XMLDocument.escaped(entityTag))</ETag></Part>"
    }
    body += "</CompleteMultipartUpload>"
    var request = S3Request(method: .POST, operation: "COMPLETE MULTIPART UPLOAD", key: key)
    request.query = [("uploadId", uploadID)]
    request.setBody(Array(body.utf8))
    return send(request).map { _ in }
  }

  /// Abandons a multipart upload and frees its parts.
  func startAbortMultipartUpload(_ key: String, uploadID: String) -> EventLoopFuture<Void> {
    var request = S3Request(method: .DELETE, operation: "ABORT MULTIPART UPLOAD", key: key)
    request.query = [("uploadId", uploadID)]
    return send(request).map { _ in }
  }

  // MARK: Sending with retries

  /// Sends `request`, retrying as the policy allows; succeeds with a 2xx answer.
  /// `errorKey` names the object in errors when the request's key is empty (a listing's prefix).
  func send(_ request: S3Request, errorKey: String? = nil) -> EventLoopFuture<S3Response> {
    let eventLoop = http.eventLoopGroup.any()
    let promise = eventLoop.makePromise(of: S3Response.self)
    attempt(
      request, errorKey: errorKey ?? request.key, number: 1, started: .now(),
      eventLoop: eventLoop, promise: promise)
    return promise.futureResult
  }

  private func attempt(
    _ request: S3Request, errorKey: String, number: Int, started: NIODeadline,
    eventLoop: any EventLoop, promise: EventLoopPromise<S3Response>
  ) {
    let policy = configuration.retryPolicy
    let httpRequest: HTTPClient.Request
    do {
      httpRequest = try signedRequest(request, errorKey: errorKey)
    } catch {
      promise.fail(error)
      return
    }
    let deadline = NIODeadline.now() + .nanoseconds(Int64(policy.requestTimeoutSeconds * 1e9))
    counter.increment(request.key.isEmpty ? request.operation : request.method.rawValue)
    http.execute(request: httpRequest, eventLoop: .delegate(on: eventLoop), deadline: deadline)
      .whenComplete { result in
        self.counter.finished()
        let failure: (error: ObjectStoreError, retryable: Bool)
        switch result {
        case .success(let answer):
          var body: [UInt8] = []
          if let buffer = answer.body { body = Array(buffer.readableBytesView) }
          let response = S3Response(
            status: Int(answer.status.code), headers: answer.headers, body: body)
          guard let classified = self.failure(of: response, request, errorKey, attempts: number)
          else {
            promise.succeed(response)
            return
          }
          failure = classified
        case .failure(let error):
          failure = (
            ObjectStoreError(
              .unreachable, operation: request.operation, bucket: self.bucket, key: errorKey,
              attempts: number,
              detail: "no answer from \(self.configuration.scheme)://\(httpRequest.host)"
                + ":\(httpRequest.port): \(error)"),
            Self.isRetryable(error)
          )
        }
        let elapsed = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        guard failure.retryable,
          let delay = policy.delayBeforeRetry(
            after: number, elapsedSeconds: elapsed, jitter: Double.random(in: 0...1))
        else {
          promise.fail(failure.error)
          return
        }
        eventLoop.scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) {
          self.attempt(
            request, errorKey: errorKey, number: number + 1, started: started,
            eventLoop: eventLoop, promise: promise)
        }
      }
  }

  /// The error of an answer that is not a success (nil for a success), and whether a retry may
  /// help.
  private func failure(
    of response: S3Response, _ request: S3Request, _ errorKey: String, attempts: Int
  ) -> (error: ObjectStoreError, retryable: Bool)? {
    // CompleteMultipartUpload can answer 200 and report its failure in the body; other
    // successes are not parsed (a GET's body is the object).
    let isCompletion = request.operation == "COMPLETE MULTIPART UPLOAD"
    if (200..<300).contains(response.status) && !isCompletion { return nil }
    let document = S3XMLDocument(response.body)
    if (200..<300).contains(response.status) && document.elements("Error").isEmpty { return nil }
    let serverCode = document.value("Code")
    let code: ObjectStoreError.Code
    var retryable = false
    switch (response.status, serverCode) {
    case (_, "NoSuchBucket"): code = .noSuchBucket
    case (404, _): code = .notFound
    case (412, _): code = .alreadyExists
    case (_, "BadDigest"), (_, "InvalidDigest"):
      // The body that arrived is not the one sent: sending it again may get it through.
      code = .bodyDigestMismatch
      retryable = true
    case (416, _): code = .invalidRange
    case (401, _), (403, _): code = .accessDenied
    case (429, _), (500...599, _), (_, "SlowDown"), (_, "InternalError"):
      code = .serverUnavailable
      retryable = true
    default: code = .requestFailed
    }
    let detail: String
    switch code {
    case .notFound: detail = "no such object"
    case .alreadyExists: detail = "an object already exists (If-None-Match: *)"
    case .noSuchBucket: detail = "no such bucket"
    case .accessDenied: detail = "access denied: check the credentials and region"
    case .bodyDigestMismatch: detail = "the body the server received does not match its Content-MD5"
    default: detail = document.value("Message") ?? "the request failed"
    }
    return (
      ObjectStoreError(
        code, operation: request.operation, bucket: bucket, key: errorKey,
        status: response.status, serverCode: serverCode, attempts: attempts, detail: detail),
      retryable
    )
  }

  /// Transport failures worth another try: everything but a request that can never be sent.
  private static func isRetryable(_ error: any Error) -> Bool {
    guard let error = error as? HTTPClientError else { return true }
    let permanent: [HTTPClientError] = [
      .invalidURL, .emptyHost, .emptyScheme, .unsupportedScheme(""), .invalidHeaderFieldNames([]),
      .invalidHeaderFieldValues([]),
    ]
    return !permanent.contains { $0.shortDescription == error.shortDescription }
  }

  /// The request with its URL and the signed headers (`host`, `x-amz-date`,
  /// `x-amz-content-sha256`, the session token, for a body `content-length` and `content-md5`,
  /// and the request's own headers).
  private func signedRequest(_ request: S3Request, errorKey: String) throws -> HTTPClient.Request {
    let (host, path) = configuration.address(bucket: bucket, key: request.key)
    let body = request.body ?? []
    let payloadHash =
      body.isEmpty ? SignatureV4Signer.emptyPayloadHash : SignatureV4Signer.hexSHA256(body)
    let timestamp = SignatureV4Timestamp.now()
    var signed: [(name: String, value: String)] = [
      ("host", host), ("x-amz-date", timestamp.dateTime), ("x-amz-content-sha256", payloadHash),
    ]
    if let token = configuration.credentials.sessionToken {
      signed.append(("x-amz-security-token", token))
    }
    if let body = request.body {
      // HTTPClient sends the same Content-Length for a body of known size; signing it too means
      // the server cannot take a different length for this request.
      signed.append(("content-length", String(body.count)))
      if let digest = request.bodyMD5 {
        signed.append(("content-md5", Data(digest).base64EncodedString()))
      }
    }
    signed += request.headers
    let signature = signer.sign(
      method: request.method.rawValue, encodedPath: path, query: request.query, headers: signed,
      payloadHash: payloadHash, timestamp: timestamp)
    var headers = HTTPHeaders(signed.map { ($0.name, $0.value) })
    headers.add(name: "Authorization", value: signature.authorization)
    let query = request.query
      .map { "\(S3URIEncoding.encode($0.name))=\(S3URIEncoding.encode($0.value))" }
      .joined(separator: "&")
    let url = "\(configuration.scheme)://\(host)\(path)" + (query.isEmpty ? "" : "?\(query)")
    do {
      return try HTTPClient.Request(
        url: url, method: request.method, headers: headers,
        body: request.body.map { .bytes($0) })
    } catch {
      throw ObjectStoreError(
        .invalidConfiguration, operation: request.operation, bucket: bucket, key: errorKey,
        detail: "cannot make a request to \(url): \(error)")
    }
  }

  private static func unquoted(_ entityTag: String) -> String {
    entityTag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
  }
}

/// The HTTP client every `S3Client` shares: one connection pool on SwiftNIO's shared event
/// loops for the whole process, never shut down. Redirects are not followed (a signed request
/// cannot be replayed elsewhere), bodies are not decompressed (ranges are byte-exact), and a
/// failed connection fails its request at once, so `S3RetryPolicy` alone decides about retries.
private let sharedObjectStoreHTTPClient: HTTPClient = {
  var connectionPool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(30))
  connectionPool.retryConnectionEstablishment = false
  return HTTPClient(
    eventLoopGroup: HTTPClient.defaultEventLoopGroup,
    configuration: HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: HTTPClient.Configuration.Timeout(connect: .seconds(5), read: .seconds(30)),
      connectionPool: connectionPool,
      decompression: .disabled))
}()
