import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import QuiverObjectStore

/// The client against the SeaweedFS server of the test run.
@Suite(.enabled(if: S3TestServer.isEnabled, S3TestServer.skipReason))
struct S3ClientTests {
  @Test func writesReadsRangesListsAndDeletes() async throws {
    let client = try S3TestServer.client()
    let prefix = S3TestServer.uniquePrefix("client")
    let key = prefix + "a b+c~é.bin"
    let bytes = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    try await client.put(key, bytes)
    #expect(try await client.get(key) == bytes)
    #expect(try await client.get(key, range: 10..<20) == Array(bytes[10..<20]))
    #expect(try await client.get(key, range: 990..<2_000) == Array(bytes[990...]))
    #expect(try await client.get(key, range: 5..<5) == [])
    let info = try await client.head(key)
    #expect(info.size == 1_000)
    #expect(info.lastModified != nil)
    try await client.put(prefix + "nested/b.bin", [1])
    let listed = try await client.list(prefix: prefix)
    #expect(listed.map(\.key) == [key, prefix + "nested/b.bin"])
    #expect(listed.map(\.size) == [1_000, 1])
    #expect(try await client.list(prefix: prefix, delimiter: "/").map(\.key) == [key])
    try await client.delete(key)
    try await client.delete(key)
    let error = await #expect(throws: ObjectStoreError.self) { try await client.get(key) }
    #expect(error?.code == .notFound)
    #expect(error?.status == 404)
    #expect(error?.message.contains("s3://\(S3TestServer.bucket)/\(key)") == true)
    let headError = await #expect(throws: ObjectStoreError.self) { try await client.head(key) }
    #expect(headError?.code == .notFound)
  }

  @Test func listingFollowsContinuationTokens() async throws {
    let client = try S3TestServer.client()
    let prefix = S3TestServer.uniquePrefix("paging")
    let keys = (0..<7).map { prefix + "object-\($0)" }
    for key in keys { try await client.put(key, [UInt8(keys.firstIndex(of: key) ?? 0)]) }
    let listed = try await client.startList(prefix: prefix, pageSize: 2).get()
    #expect(listed.map(\.key) == keys)
    // With a delimiter, pages mix objects and common prefixes; every page is followed.
    let folders = (0..<5).map { prefix + "folder-\($0)/" }
    for folder in folders {
      try await client.put(folder + "inside", [1])
      try await client.put(folder + "nested/deeper", [2])
    }
    let listing = try await client.startListing(prefix: prefix, delimiter: "/", pageSize: 2).get()
    #expect(listing.objects.map(\.key) == keys)
    #expect(listing.commonPrefixes == folders)
    #expect(try await client.commonPrefixes(prefix: prefix) == folders)
    #expect(try await client.commonPrefixes(prefix: folders[0]) == [folders[0] + "nested/"])
  }

  @Test func conditionalPutHasExactlyOneWinner() async throws {
    let client = try S3TestServer.client()
    let prefix = S3TestServer.uniquePrefix("conditional")
    #expect(try await client.putIfAbsent(prefix + "first", [1]))
    #expect(try await !client.putIfAbsent(prefix + "first", [2]))
    #expect(try await client.get(prefix + "first") == [1])
    for round in 0..<2 {  // SeaweedFS holds some losers 1-2 s, so rounds are few
      let key = prefix + "race-\(round)"
      let winners = try await withThrowingTaskGroup(of: Int?.self) { group in
        for writer in 0..<8 {
          group.addTask { try await client.putIfAbsent(key, [UInt8(writer)]) ? writer : nil }
        }
        var winners: [Int] = []
        for try await winner in group { if let winner { winners.append(winner) } }
        return winners
      }
      try #require(winners.count == 1)
      #expect(try await client.get(key) == [UInt8(winners[0])])
    }
  }

  @Test func multipartUploadsAppearWholeOrNotAtAll() async throws {
    let client = try S3TestServer.client()
    let prefix = S3TestServer.uniquePrefix("multipart")
    let part = 5 * 1024 * 1024
    let bytes = (0..<(part + 1_234)).map { UInt8(truncatingIfNeeded: $0 % 251) }
    let uploadID = try await client.createMultipartUpload(prefix + "big")
    let first = try await client.uploadPart(prefix + "big", uploadID: uploadID, partNumber: 1, Array(bytes[..<part]))
    let second = try await client.uploadPart(prefix + "big", uploadID: uploadID, partNumber: 2, Array(bytes[part...]))
    #expect(try await client.list(prefix: prefix).isEmpty)
    try await client.completeMultipartUpload(prefix + "big", uploadID: uploadID, partEntityTags: [first, second])
    #expect(try await client.head(prefix + "big").size == bytes.count)
    #expect(try await client.get(prefix + "big", range: (part - 3)..<(part + 3)) == Array(bytes[(part - 3)..<(part + 3)]))
    #expect(try await client.get(prefix + "big") == bytes)

    let abandoned = try await client.createMultipartUpload(prefix + "abandoned")
    _ = try await client.uploadPart(prefix + "abandoned", uploadID: abandoned, partNumber: 1, [1, 2, 3])
    try await client.abortMultipartUpload(prefix + "abandoned", uploadID: abandoned)
    #expect(try await client.list(prefix: prefix).map(\.key) == [prefix + "big"])
  }

  /// SeaweedFS checks `Content-MD5`: a body that does not match it (as a body cut short by a
  /// writer killed mid-PUT would not) is refused and nothing is stored, for plain, conditional
  /// and multipart-part PUTs.
  @Test func aBodyThatDoesNotMatchItsMD5IsRefusedAndNothingIsStored() async throws {
    let client = S3Client(
      bucket: S3TestServer.bucket,
      configuration: try S3TestServer.configuration(
        retryPolicy: S3RetryPolicy(maximumAttempts: 2, initialDelaySeconds: 0.01)))
    let prefix = S3TestServer.uniquePrefix("digest")
    let bytes = Array("the whole manifest".utf8)
    let uploadID = try await client.createMultipartUpload(prefix + "multipart")
    var requests: [S3Request] = []
    for ifAbsent in [false, true] {
      var request = S3Request(method: .PUT, operation: "PUT", key: prefix + "single-\(ifAbsent)")
      request.setBody(bytes)
      if ifAbsent { request.headers.append(("If-None-Match", "*")) }
      requests.append(request)
    }
    var part = S3Request(method: .PUT, operation: "UPLOAD PART 1", key: prefix + "multipart")
    part.query = [("partNumber", "1"), ("uploadId", uploadID)]
    part.setBody(bytes)
    requests.append(part)
    for var request in requests {
      request.bodyMD5 = Array(Insecure.MD5.hash(data: bytes.dropLast()))
      let error = await #expect(throws: ObjectStoreError.self) {
        _ = try await client.send(request).get()
      }
      #expect(error?.code == .bodyDigestMismatch, "\(request.key)")
      #expect(error?.status == 400)
      #expect(error?.serverCode == "BadDigest")
      #expect(error?.attempts == 2)
      // The same request with the right digest goes through.
      request.setBody(bytes)
      _ = try await client.send(request).get()
    }
    try await client.abortMultipartUpload(prefix + "multipart", uploadID: uploadID)
    #expect(try await client.get(prefix + "single-false") == bytes)
    #expect(try await client.get(prefix + "single-true") == bytes)
  }

  @Test func wrongCredentialsAreOneClearError() async throws {
    let client = S3Client(
      bucket: S3TestServer.bucket,
      configuration: try S3TestServer.configuration(
        credentials: S3Credentials(accessKeyID: "quiver-test", secretAccessKey: "wrong")))
    let error = await #expect(throws: ObjectStoreError.self) { try await client.get("any") }
    #expect(error?.code == .accessDenied)
    #expect(error?.status == 403)
    #expect(error?.attempts == 1)
    let unknown = S3Client(
      bucket: S3TestServer.bucket,
      configuration: try S3TestServer.configuration(
        credentials: S3Credentials(accessKeyID: "nobody", secretAccessKey: "wrong")))
    let unknownError = await #expect(throws: ObjectStoreError.self) { try await unknown.put("any", [1]) }
    #expect(unknownError?.code == .accessDenied)
  }

  @Test func aMissingBucketIsOneClearError() async throws {
    let client = S3Client(bucket: "no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))", configuration: try S3TestServer.configuration())
    let error = await #expect(throws: ObjectStoreError.self) { try await client.list(prefix: "x/") }
    #expect(error?.code == .noSuchBucket)
    #expect(error?.message.contains(client.bucket) == true)
    let readError = await #expect(throws: ObjectStoreError.self) { try await client.get("x") }
    #expect(readError?.code == .noSuchBucket)
    let writeError = await #expect(throws: ObjectStoreError.self) { try await client.put("x", [1]) }
    #expect(writeError?.code == .noSuchBucket)
  }
}
