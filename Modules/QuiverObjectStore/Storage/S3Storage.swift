import Foundation
import NIOCore
import QuiverStorage

/// QuiverStorage's `Storage` on an S3-compatible object store: every object of a table under
/// one key prefix of one bucket (`s3://bucket/prefix`).
///
/// Reads are range GETs (`read(ranges:)` coalesces nearby ranges and sends independent GETs at
/// once); new objects are one PUT, or a multipart upload above `S3StorageOptions.partSize`;
/// `putIfAbsent` is a PUT with `If-None-Match: *`. With a cache folder, immutable objects (all
/// but manifests) are kept on disk in chunks, so a warm reader sends nothing. The methods block
/// the calling thread until SwiftNIO's event loops have done the work; call them from ordinary
/// threads, not from an event loop.
public final class S3Storage: Storage {
  /// The client of the bucket.
  public let client: S3Client
  /// The key prefix, without a trailing `/` (empty for the whole bucket).
  public let prefix: String
  /// How objects are written, read and cached.
  public let options: S3StorageOptions
  /// `s3://bucket/prefix`.
  public let location: String
  let cache: S3ObjectCache?

  /// Storage under `prefix` in the client's bucket.
  /// - Throws: `StorageError` `.ioFailure` when the cache folder cannot be created.
  public init(client: S3Client, prefix: String, options: S3StorageOptions = S3StorageOptions())
    throws
  {
    self.client = client
    self.prefix = prefix.split(separator: "/").joined(separator: "/")
    self.options = options
    location = "s3://\(client.bucket)" + (self.prefix.isEmpty ? "" : "/\(self.prefix)")
    if let directory = options.cacheDirectory {
      do {
        cache = try S3ObjectCache(
          directory: directory, budgetBytes: options.cacheBudgetBytes,
          chunkSize: options.cacheChunkSize, memoryBudgetBytes: options.cacheMemoryBudgetBytes)
      } catch {
        throw StorageError(
          .ioFailure, "cannot use the cache folder '\(directory)' for \(location)",
          underlying: error)
      }
    } else {
      cache = nil
    }
  }

  /// Storage under another prefix of the same bucket, sharing the client and the cache.
  private init(sharing base: S3Storage, prefix: String) {
    client = base.client
    self.prefix = prefix
    options = base.options
    location = "s3://\(client.bucket)" + (prefix.isEmpty ? "" : "/\(prefix)")
    cache = base.cache
  }

  /// The storage under the prefix of `folder` (same client, options and cache).
  public func scoped(to folder: StoragePath) -> any Storage {
    folder.components.isEmpty ? self : S3Storage(sharing: self, prefix: key(folder))
  }

  /// Storage at an `s3://bucket/prefix` URL.
  /// - Parameters:
  ///   - configuration: endpoint, region and credentials; nil reads the standard variables
  ///     (`S3Configuration.fromEnvironment()`).
  ///   - options: retries, range merging, concurrency and the local cache.
  ///   - url: `s3://BUCKET` or `s3://BUCKET/PREFIX`.
  /// - Throws: `StorageError` `.invalidPath` when the URL is not `s3://BUCKET[/PREFIX]`,
  ///   `.permissionDenied` when no credentials are given or set (or the endpoint is malformed).
  public convenience init(
    url: String, configuration: S3Configuration? = nil,
    options: S3StorageOptions = S3StorageOptions()
  ) throws {
    guard url.hasPrefix("s3://") else {
      throw StorageError(.invalidPath, "'\(url)' is not an s3://bucket/prefix URL")
    }
    let rest = url.dropFirst("s3://".count)
    let bucket = rest.prefix { $0 != "/" }
    guard !bucket.isEmpty else {
      throw StorageError(.invalidPath, "'\(url)' names no bucket (s3://bucket/prefix)")
    }
    let resolved: S3Configuration
    do {
      resolved = try configuration ?? S3Configuration.fromEnvironment()
    } catch let error as ObjectStoreError {
      throw StorageError(.permissionDenied, "\(url): \(error.message)", underlying: error)
    }
    try self.init(
      client: S3Client(bucket: String(bucket), configuration: resolved),
      prefix: String(rest.dropFirst(bucket.count)), options: options)
  }

  /// The object key of a path.
  func key(_ path: StoragePath) -> String {
    prefix.isEmpty ? path.description : "\(prefix)/\(path.description)"
  }

  /// Whether the object never changes, so it may be cached: everything but manifests (any path
  /// through a `_versions` folder, or a name ending in `.manifest`).
  func isImmutable(_ path: StoragePath) -> Bool {
    !path.components.contains("_versions") && !path.lastComponent.hasSuffix(".manifest")
  }

  /// Opens an object for range reads: its size from the cache; else, for an object the cache
  /// keeps, one GET of its first chunk (cached), whose answer gives the size; else one HEAD.
  /// - Throws: `StorageError` `.notFound`, or the request's error (see `storageError`).
  public func openReader(_ path: StoragePath) throws -> any StorageReader {
    if let cached = cachedObject(path), cached.cache.size(of: cached.object) == nil,
      let size = try sizeFetchingFirstChunk(path, cached.cache, cached.object)
    {
      return S3ObjectReader(storage: self, path: path, size: size)
    }
    return S3ObjectReader(storage: self, path: path, size: try size(of: path))
  }

  /// Fetches the object's first chunk by one GET whose answer also gives the object's size, and
  /// caches both, so opening an object about to be read costs no HEAD. Nil when another reader
  /// is fetching that chunk or the object is empty (a range of nothing cannot be asked for).
  private func sizeFetchingFirstChunk(_ path: StoragePath, _ cache: S3ObjectCache, _ object: String)
    throws -> Int?
  {
    let claim = cache.fetches.claim([0], of: object, bridgingGapsUpTo: 0) { _ in false }
    defer { cache.fetches.release(claim.runs, of: object) }
    guard !claim.runs.isEmpty else { return nil }
    let answer: (bytes: [UInt8], objectSize: Int)
    do {
      answer = try wait(client.startGetReportingSize(key(path), range: 0..<cache.chunkSize), path)
    } catch let error as StorageError where error.code == .outOfRange {
      return nil
    }
    guard answer.bytes.count == min(cache.chunkSize, answer.objectSize) else {
      throw StorageError(
        .truncated,
        "\(location): '\(path)' ended early: its first chunk gave \(answer.bytes.count) bytes of \(answer.objectSize)"
      )
    }
    cache.storeSize(answer.objectSize, of: object)
    if !answer.bytes.isEmpty { cache.storeChunk(answer.bytes, index: 0, of: object) }
    return answer.objectSize
  }

  /// Reads a whole object: from cached chunks when its size is cached, else one GET (which
  /// fills the cache for immutable objects).
  /// - Throws: `StorageError` `.notFound`, or the request's error.
  public func read(_ path: StoragePath) throws -> [UInt8] {
    let key = key(path)
    let cached = cachedObject(path)
    if let cached, let size = cached.cache.size(of: cached.object) {
      return try S3ObjectReader(storage: self, path: path, size: size).read(ranges: [0..<size])[0]
    }
    let bytes = try wait(client.startGet(key), path)
    if let cached {
      let chunkSize = cached.cache.chunkSize
      cached.cache.storeSize(bytes.count, of: cached.object)
      for start in stride(from: 0, to: bytes.count, by: chunkSize) {
        cached.cache.storeChunk(
          Array(bytes[start..<min(start + chunkSize, bytes.count)]), index: start / chunkSize,
          of: cached.object)
      }
    }
    return bytes
  }

  /// The object's size: from the cache, else one HEAD.
  /// - Throws: `StorageError` `.notFound`, or the request's error.
  public func size(of path: StoragePath) throws -> Int {
    let cached = cachedObject(path)
    if let cached, let size = cached.cache.size(of: cached.object) {
      return size
    }
    let size = try wait(client.startHead(key(path)), path).size
    if let cached { cached.cache.storeSize(size, of: cached.object) }
    return size
  }

  /// The cache and the object's name in it, when there is a cache and the object may be cached
  /// (`isImmutable`).
  func cachedObject(_ path: StoragePath) -> (cache: S3ObjectCache, object: String)? {
    guard let cache, isImmutable(path) else { return nil }
    return (cache, cache.objectName(bucket: client.bucket, key: key(path)))
  }

  /// Starts a new object: one PUT at `finish()`, or a multipart upload once it outgrows a part.
  /// An existing object of that key is replaced (callers give new objects unique names).
  public func createObject(_ path: StoragePath) throws -> any StorageWriter {
    S3ObjectWriter(storage: self, path: path)
  }

  /// Writes the object with `If-None-Match: *`.
  /// - Returns: false when an object already exists (412).
  public func putIfAbsent(_ path: StoragePath, _ bytes: [UInt8]) throws -> Bool {
    do {
      try wait(client.startPut(key(path), bytes, ifAbsent: true), path)
      return true
    } catch let error as StorageError where error.code == .alreadyExists {
      return false
    }
  }

  /// Every object under the folder `prefix`, recursively (objects in nested folders too), in
  /// key order. Keys that are not valid `StoragePath`s (written by something else) are left out.
  public func list(_ folder: StoragePath) throws -> [StorageEntry] {
    let folderKey = self.folderKey(folder)
    let objects = try wait(client.startList(prefix: folderKey), folder)
    return objects.compactMap { object in
      let relative = String(object.key.dropFirst(prefix.isEmpty ? 0 : prefix.count + 1))
      guard object.key.hasPrefix(folderKey), let path = try? StoragePath(relative) else {
        return nil
      }
      return StorageEntry(
        path: path, size: object.size,
        lastModified: object.lastModified ?? Date(timeIntervalSince1970: 0))
    }
  }

  /// The names of the objects directly in `folder`: one listing with delimiter `/`, so objects
  /// in nested folders are not listed (one request per 1,000 names).
  public func names(in folder: StoragePath) throws -> [String] {
    let folderKey = self.folderKey(folder)
    let listing = try wait(client.startListing(prefix: folderKey, delimiter: "/"), folder)
    return listing.objects.compactMap { Self.singleComponent(of: $0.key, after: folderKey) }
  }

  /// The names of the folders directly in `folder` (the common prefixes of one listing with
  /// delimiter `/`): what is inside them is not listed, so a database of large tables is
  /// listed in one request per 1,000 tables.
  public func folderNames(in folder: StoragePath) throws -> [String] {
    let folderKey = self.folderKey(folder)
    let listing = try wait(client.startListing(prefix: folderKey, delimiter: "/"), folder)
    return listing.commonPrefixes.compactMap {
      Self.singleComponent(of: String($0.dropLast()), after: folderKey)
    }
  }

  /// The folder markers below `folder` (empty objects whose key ends in `/`, which consoles and
  /// file-system gateways write for a folder) under which no other object lies; a folder is
  /// otherwise only a key prefix, never empty. One recursive listing.
  public func emptyFolders(under folder: StoragePath) throws -> [StorageFolder] {
    let folderKey = self.folderKey(folder)
    let objects = try wait(client.startList(prefix: folderKey), folder)
    var occupied = Set<Substring>()
    var markers: [(relative: Substring, lastModified: Date)] = []
    for object in objects where object.key.hasPrefix(folderKey) {
      let relative = object.key.dropFirst(folderKey.count)
      if relative.hasSuffix("/") {
        markers.append((relative.dropLast(), object.lastModified ?? Date(timeIntervalSince1970: 0)))
      } else if !relative.isEmpty {
        var end = relative.firstIndex(of: "/")
        while let slash = end {
          occupied.insert(relative[..<slash])
          end = relative[relative.index(after: slash)...].firstIndex(of: "/")
        }
      }
    }
    return markers.compactMap { marker in
      guard !occupied.contains(marker.relative),
        let path = try? StoragePath(String(marker.relative))
      else { return nil }
      return StorageFolder(path: folder.appending(path), lastModified: marker.lastModified)
    }
  }

  /// Deletes the folder marker of `path` (if any) when no other object lies under it: one
  /// listing of the prefix, then one DELETE when there is a marker.
  /// - Returns: false when an object other than the marker lies under `path`.
  /// - Throws: `StorageError` `.invalidPath` for the root, or the request's error.
  @discardableResult
  public func removeFolderIfEmpty(_ path: StoragePath) throws -> Bool {
    guard !path.components.isEmpty else {
      throw StorageError(.invalidPath, "the root of \(location) is not a folder to remove")
    }
    let folderKey = self.folderKey(path)
    let objects = try wait(client.startList(prefix: folderKey), path)
    guard objects.allSatisfy({ $0.key == folderKey }) else { return false }
    if !objects.isEmpty { try wait(client.startDelete(folderKey), path) }
    return true
  }

  /// The key prefix of everything in `folder`, ending in `/` (empty for the bucket's root).
  private func folderKey(_ folder: StoragePath) -> String {
    folder == .root ? (prefix.isEmpty ? "" : prefix + "/") : key(folder) + "/"
  }

  /// The rest of `key` after `folderKey`, if it is one valid path component (keys written by
  /// something else may not be).
  private static func singleComponent(of key: String, after folderKey: String) -> String? {
    guard key.hasPrefix(folderKey) else { return nil }
    let name = String(key.dropFirst(folderKey.count))
    return (try? StoragePath.name(name))?.lastComponent
  }

  /// Removes the object and its cached bytes; a missing object is not an error.
  public func delete(_ path: StoragePath) throws {
    let key = key(path)
    if let cache { cache.remove(object: cache.objectName(bucket: client.bucket, key: key)) }
    try wait(client.startDelete(key), path)
  }

  /// Waits for a request (blocking this thread, never an event loop) and turns its failure into
  /// a `StorageError` naming this storage and the path.
  func wait<Value: Sendable>(_ future: EventLoopFuture<Value>, _ path: StoragePath) throws -> Value {
    do {
      return try future.wait()
    } catch let error as ObjectStoreError {
      throw storageError(error, path)
    }
  }

  /// The `StorageError` of an object-store error: its code mapped, its message kept, the
  /// original as the underlying error.
  func storageError(_ error: ObjectStoreError, _ path: StoragePath) -> StorageError {
    let code: StorageError.Code
    switch error.code {
    case .notFound: code = .notFound
    case .alreadyExists: code = .alreadyExists
    case .accessDenied: code = .permissionDenied
    case .invalidRange: code = .outOfRange
    case .noSuchBucket, .serverUnavailable, .requestFailed:
      code = .remote(status: error.status ?? 0)
    case .unreachable, .invalidResponse, .invalidConfiguration, .bodyDigestMismatch:
      code = .ioFailure
    }
    return StorageError(code, "\(location): '\(path)': \(error.message)", underlying: error)
  }
}
