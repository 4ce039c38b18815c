import Foundation

extension URL {
  /// How error messages name a table's object: a local file by its path, a remote object by
  /// its whole URL (`s3://bucket/key`, whose `path` would drop the bucket).
  var objectName: String { isFileURL ? path : absoluteString }
}
