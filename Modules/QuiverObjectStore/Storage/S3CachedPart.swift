/// One file of `S3ObjectCache`: chunk `index` of an object, or the object's size
/// (`index == S3CachedPart.sizeIndex`). `object` is the hex SHA-256 of bucket and key, as in the
/// file names (`OBJECT.size`, `OBJECT.0`, `OBJECT.1`, …).
struct S3CachedPart: Hashable, Sendable {
  /// The index that stands for the object's size file.
  static let sizeIndex = -1

  /// The hex SHA-256 of `bucket/key`.
  let object: String
  /// The chunk's index, or `sizeIndex`.
  let index: Int

  /// The name of its file in the cache folder.
  var fileName: String { object + "." + (index == Self.sizeIndex ? "size" : String(index)) }

  /// The part a cache file's name stands for, or nil for a name the cache did not write.
  init?(fileName: String) {
    guard let dot = fileName.firstIndex(of: ".") else { return nil }
    let suffix = fileName[fileName.index(after: dot)...]
    if suffix == "size" {
      index = Self.sizeIndex
    } else if let chunk = Int(suffix), chunk >= 0, String(chunk) == suffix {
      index = chunk
    } else {
      return nil
    }
    object = String(fileName[..<dot])
  }

  /// Chunk `index` (or the size, `sizeIndex`) of `object`.
  init(object: String, index: Int) {
    self.object = object
    self.index = index
  }
}
