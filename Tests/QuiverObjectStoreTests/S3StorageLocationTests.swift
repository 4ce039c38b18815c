import QuiverStorage
import Testing

@testable import QuiverObjectStore

/// `s3://` URLs and the keys and cache rules derived from them (no server needed).
@Suite struct S3StorageLocationTests {
  let configuration: S3Configuration

  init() throws {
    configuration = try S3Configuration(
      endpoint: "http://127.0.0.1:1", credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"))
  }

  @Test func urlsNameBucketAndPrefix() throws {
    let storage = try S3Storage(url: "s3://bucket/db//items.quiver/", configuration: configuration)
    #expect(storage.client.bucket == "bucket")
    #expect(storage.prefix == "db/items.quiver")
    #expect(storage.location == "s3://bucket/db/items.quiver")
    #expect(storage.key(try StoragePath("data/x.qvf")) == "db/items.quiver/data/x.qvf")
    let whole = try S3Storage(url: "s3://bucket", configuration: configuration)
    #expect(whole.location == "s3://bucket")
    #expect(whole.key(try StoragePath("a")) == "a")
  }

  @Test(arguments: ["http://bucket/x", "s3://", "s3:///prefix", "bucket/prefix"])
  func otherURLsAreRefused(_ url: String) {
    let error = #expect(throws: StorageError.self) {
      try S3Storage(url: url, configuration: configuration)
    }
    #expect(error?.code == .invalidPath)
  }

  @Test func manifestsAreNeverCached() throws {
    let storage = try S3Storage(url: "s3://bucket/t.quiver", configuration: configuration)
    #expect(storage.isImmutable(try StoragePath("data/0f3c.qvf")))
    #expect(storage.isImmutable(try StoragePath("_indices/abc/hnsw.meta")))
    #expect(!storage.isImmutable(try StoragePath("_versions/00000000000000000001.manifest")))
    #expect(!storage.isImmutable(try StoragePath("items.quiver/_versions/x")))
  }
}
