import NIOCore

extension S3Client {
  /// Reads the whole object.
  /// - Throws: `ObjectStoreError` (`.notFound` when it does not exist).
  public func get(_ key: String) async throws -> [UInt8] {
    try await startGet(key).get()
  }

  /// Reads the bytes in `range` of the object (one `Range` request; an empty range sends none).
  /// A range that runs past the end returns the bytes up to the end.
  /// - Throws: `ObjectStoreError` (`.notFound`, `.invalidRange` when it starts past the end).
  public func get(_ key: String, range: Range<Int>) async throws -> [UInt8] {
    try await startGet(key, range: range).get()
  }

  /// The object's size, last-modified time and entity tag (a HEAD request).
  /// - Throws: `ObjectStoreError` (`.notFound` when it does not exist).
  public func head(_ key: String) async throws -> S3ObjectInfo {
    try await startHead(key).get()
  }

  /// Writes the whole object in one PUT, replacing any object of that key.
  public func put(_ key: String, _ bytes: [UInt8]) async throws {
    try await startPut(key, bytes).get()
  }

  /// Writes the whole object only if no object of that key exists (`If-None-Match: *`).
  /// - Returns: false when one already exists (412): another writer got there first.
  public func putIfAbsent(_ key: String, _ bytes: [UInt8]) async throws -> Bool {
    do {
      try await startPut(key, bytes, ifAbsent: true).get()
      return true
    } catch let error as ObjectStoreError where error.code == .alreadyExists {
      return false
    }
  }

  /// Every object whose key starts with `prefix`, in key order (all pages of ListObjectsV2).
  /// With a `delimiter` (usually `/`), keys that continue past it after the prefix are left
  /// out, so only one level is listed.
  public func list(prefix: String, delimiter: String? = nil) async throws -> [S3ObjectInfo] {
    try await startList(prefix: prefix, delimiter: delimiter).get()
  }

  /// The common prefixes one level below `prefix` (ListObjectsV2 with `delimiter`, all
  /// pages): for `prefix` `db/` and delimiter `/`, every `db/NAME/` that holds some object,
  /// without listing the objects inside. In key order.
  public func commonPrefixes(prefix: String, delimiter: String = "/") async throws -> [String] {
    try await startListing(prefix: prefix, delimiter: delimiter).get().commonPrefixes
  }

  /// Removes the object; removing one that does not exist succeeds.
  public func delete(_ key: String) async throws {
    try await startDelete(key).get()
  }

  /// Starts a multipart upload.
  /// - Returns: the upload id the other multipart calls take.
  public func createMultipartUpload(_ key: String) async throws -> String {
    try await startCreateMultipartUpload(key).get()
  }

  /// Uploads one part of a multipart upload: numbers start at 1, and every part but the last
  /// must hold at least 5 MiB.
  /// - Returns: the part's entity tag, for `completeMultipartUpload`.
  public func uploadPart(
    _ key: String, uploadID: String, partNumber: Int, _ bytes: [UInt8]
  ) async throws -> String {
    try await startUploadPart(key, uploadID: uploadID, partNumber: partNumber, bytes).get()
  }

  /// Completes a multipart upload from its parts' entity tags in part order; only now does the
  /// object appear, whole.
  public func completeMultipartUpload(
    _ key: String, uploadID: String, partEntityTags: [String]
  ) async throws {
    try await startCompleteMultipartUpload(key, uploadID: uploadID, partEntityTags: partEntityTags)
      .get()
  }

  /// Abandons a multipart upload; its parts are freed and no object appears.
  public func abortMultipartUpload(_ key: String, uploadID: String) async throws {
    try await startAbortMultipartUpload(key, uploadID: uploadID).get()
  }
}
