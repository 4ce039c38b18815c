/// Where a table's bytes live: a namespace of immutable objects under one root (a local folder,
/// or an `s3://bucket/prefix`). Objects are written once, as a whole, and never modified in
/// place; there are no appends and no rewrites, so a remote object store can implement every
/// operation (range GETs, whole PUTs or multipart uploads, conditional PUT, LIST, DELETE).
///
/// Every operation is synchronous: callers are synchronous, and a remote implementation blocks
/// the calling thread on its own event loop (never a Swift-concurrency cooperative thread).
/// Paths are `StoragePath`s, so a name read from a file can never leave the root. Every
/// operation throws `StorageError` (untyped `throws`, so implementations may pass through what
/// their transport throws as the `underlying` error).
public protocol Storage: Sendable {
  /// The root, for messages: `/tmp/db/items.quiver` or `s3://bucket/db/items.quiver`.
  var location: String { get }

  /// Opens an object for positional (range) reads; the reader knows the object's size.
  /// - Throws: `StorageError` `.notFound`, `.notRegularFile`, `.symbolicLink`, `.ioFailure`.
  func openReader(_ path: StoragePath) throws -> any StorageReader

  /// Reads a whole object.
  /// - Throws: `StorageError` as `openReader` does.
  /// - Complexity: O(size of the object).
  func read(_ path: StoragePath) throws -> [UInt8]

  /// The size of an object in bytes.
  /// - Throws: `StorageError` `.notFound` if there is no object at `path`.
  func size(of path: StoragePath) throws -> Int

  /// Starts a new immutable object, written as a stream. It becomes visible (and, when the
  /// storage is durable, survives a crash) only when `finish()` returns; `abort()` or an error
  /// leaves nothing at `path`.
  /// - Throws: `StorageError` `.symbolicLink` if a folder on the way is a link, `.ioFailure`.
  func createObject(_ path: StoragePath) throws -> any StorageWriter

  /// Writes the whole object only if nothing exists at `path`, atomically: of two writers racing
  /// for one path exactly one gets `true`.
  /// - Returns: `false` if an object already existed (nothing was written).
  func putIfAbsent(_ path: StoragePath, _ bytes: [UInt8]) throws -> Bool

  /// Every object whose path starts with the folder `prefix`, recursively (objects in nested
  /// folders too), in no particular order; empty if there are none. `StoragePath.root` lists
  /// everything.
  func list(_ prefix: StoragePath) throws -> [StorageEntry]

  /// Removes an object; an object that is already gone is not an error.
  func delete(_ path: StoragePath) throws

  /// Every folder below `prefix` (not `prefix` itself), recursively, that holds no object at
  /// any depth — nothing, or only such folders — in no particular order. A local folder exists
  /// on its own, so a write killed after making its folder and before its first file leaves
  /// one; in an object store a folder is only a key prefix, and the only empty ones are folder
  /// markers (an empty object whose key ends in `/`, as consoles and file-system gateways
  /// make). Symbolic links are never followed, and a folder holding one is not empty.
  func emptyFolders(under prefix: StoragePath) throws -> [StorageFolder]

  /// Removes the folder `path` if it holds nothing (no object, no folder, no link).
  /// - Returns: whether no folder is left at `path` (true when there was none); false when it
  ///   holds something, or `path` is not a folder.
  @discardableResult
  func removeFolderIfEmpty(_ path: StoragePath) throws -> Bool

  /// The names of the objects directly in the folder `folder` (one level, no sizes or times),
  /// unsorted; empty if there are none. The cheap listing behind opening a table (the local
  /// implementation reads only the folder, not every file's metadata). A default
  /// implementation derives it from `list`.
  func names(in folder: StoragePath) throws -> [String]

  /// The names of the folders directly in the folder `folder` that hold at least one object
  /// (one level), unsorted; empty if there are none. An object store answers it from one
  /// listing with a delimiter, without listing the objects inside. A default implementation
  /// derives it from `list`.
  func folderNames(in folder: StoragePath) throws -> [String]

  /// The storage whose root is the folder `folder` of this one, with the same back end,
  /// settings and cache (a table's storage inside its database's). Nothing is created.
  func scoped(to folder: StoragePath) -> any Storage
}

extension Storage {
  /// The names from `list(folder)` of the objects directly in `folder`.
  public func names(in folder: StoragePath) throws -> [String] {
    try list(folder).compactMap { entry in
      entry.path.components.count == folder.components.count + 1 ? entry.path.lastComponent : nil
    }
  }

  /// The first components below `folder` of the objects from `list(folder)` that lie in
  /// nested folders, each once.
  public func folderNames(in folder: StoragePath) throws -> [String] {
    let depth = folder.components.count
    let names = try list(folder).compactMap { entry in
      entry.path.components.count > depth + 1 ? entry.path.components[depth] : nil
    }
    return Array(Set(names))
  }

  /// The object's full name for messages: the location, then the path.
  public func describe(_ path: StoragePath) -> String {
    path.components.isEmpty ? location : "\(location)/\(path)"
  }
}
