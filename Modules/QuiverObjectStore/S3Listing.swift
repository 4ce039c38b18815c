/// One ListObjectsV2 answer, all pages joined: the objects, and with a delimiter the common
/// prefixes (each a "folder": the prefix, one more level of the key, the delimiter).
struct S3Listing: Sendable {
  /// The objects, in key order.
  var objects: [S3ObjectInfo] = []
  /// The common prefixes (`db/items.quiver/`), in key order; empty without a delimiter.
  var commonPrefixes: [String] = []
}
