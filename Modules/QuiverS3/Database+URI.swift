import Foundation
import Quiver
import QuiverObjectStore
import QuiverStorage
import QuiverTable

extension Database {
  /// Opens the database at `uri`: `s3://bucket/prefix` for one in an S3-compatible object
  /// store (endpoint, region and keys from `options`, else from the standard AWS variables), or
  /// a local folder (`/path`, `file:///path`), created if missing.
  ///
  /// ```swift
  /// let db = try Database(uri: "s3://vectors/prod", options: S3DatabaseOptions(
  ///   storage: S3StorageOptions(cacheDirectory: "/var/cache/quiver")))
  /// ```
  /// - Throws: `TableError.invalidArgument` for an `s3://` URI without a bucket or a
  ///   configuration without credentials or with a malformed endpoint (the object store's
  ///   error as `underlying`); `TableError` as `Database(path:)` for a local folder. Nothing
  ///   is sent to the server until a table is listed, created or opened.
  public init(uri: String, options: S3DatabaseOptions = S3DatabaseOptions()) throws {
    if uri.hasPrefix("s3://") {
      let storage: S3Storage
      do {
        storage = try S3Storage(
          url: uri, configuration: try options.configuration(), options: options.storage)
      } catch let error as ObjectStoreError {
        throw TableError(.invalidArgument, "\(uri): \(error.message)", underlying: error)
      } catch let error as StorageError {
        throw TableError(.invalidArgument, error.message, underlying: error)
      }
      self.init(storage: storage)
    } else if let url = URL(string: uri), url.isFileURL {
      try self.init(url: url)
    } else if uri.contains("://") {
      throw TableError(
        .invalidArgument, "'\(uri)': unknown scheme (use s3://bucket/prefix or a local path)")
    } else {
      try self.init(path: uri)
    }
    readConsistencyInterval = options.readConsistencyInterval
  }
}
