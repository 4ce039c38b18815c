import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `Storage` in a local folder, confined to it: every path is resolved one component at a time
/// from the root (`openat` with `O_NOFOLLOW`), so a symbolic link anywhere below the root is
/// refused (`.symbolicLink`) rather than followed, for reads and writes alike; only regular files
/// are opened, without blocking on a FIFO (`.notRegularFile`). The root itself may be a link.
///
/// New objects are written to a temporary file in their folder and linked into place on
/// `finish()`; `putIfAbsent` links a complete temporary file to the name (`link(2)` never
/// replaces). Folders are created on the way as needed. With `synchronous`, every new object and
/// its folder are `fsync`ed before the call returns.
public struct LocalStorage: Storage {
  /// The root folder's path.
  public let root: String
  /// Whether new objects are made durable (`fsync`) before `finish` / `putIfAbsent` return.
  public let synchronous: Bool

  /// Storage in the folder `root` (created on the first write if missing).
  public init(root: String, synchronous: Bool = true) {
    self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    self.synchronous = synchronous
  }

  /// The root folder's path.
  public var location: String { root }

  /// The full local path of `path`, for messages and for the rare caller that needs a path.
  public func localPath(_ path: StoragePath) -> String {
    path.components.isEmpty ? root : root + "/" + path.description
  }

  /// The storage in the sub-folder `folder`, with the same durability.
  public func scoped(to folder: StoragePath) -> any Storage {
    LocalStorage(root: localPath(folder), synchronous: synchronous)
  }

  /// Opens a regular file for positional reads.
  /// - Throws: `StorageError` `.notFound`, `.symbolicLink`, `.notRegularFile`, `.ioFailure`.
  public func openReader(_ path: StoragePath) throws -> any StorageReader {
    try openFile(path)
  }

  /// Reads a whole regular file.
  public func read(_ path: StoragePath) throws -> [UInt8] { try openFile(path).readAll() }

  /// The size of a regular file.
  /// - Throws: `StorageError` `.notFound`, `.symbolicLink`, `.notRegularFile`.
  public func size(of path: StoragePath) throws -> Int {
    let folder = try openFolder(path.parent, create: false)
    defer { close(folder) }
    var info = stat()
    guard fstatat(folder, path.lastComponent, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
      throw SystemCall.error("stat", localPath(path), errno)
    }
    try Self.requireRegularFile(info, localPath(path))
    return Int(info.st_size)
  }

  /// Starts a new file at `path`, creating its folders.
  public func createObject(_ path: StoragePath) throws -> any StorageWriter {
    try requireName(path)
    let folder = try openFolder(path.parent, create: true)
    return try LocalFileWriter(
      folder: folder, name: path.lastComponent, location: localPath(path),
      synchronous: synchronous, replaceExisting: false)
  }

  /// Writes a complete temporary file and links it to `path` unless something is there.
  public func putIfAbsent(_ path: StoragePath, _ bytes: [UInt8]) throws -> Bool {
    let writer = try createObject(path)
    try writer.write(bytes)
    do {
      try writer.finish()
      return true
    } catch let error as StorageError where error.code == .alreadyExists {
      return false
    }
  }

  /// Every regular file under the folder `prefix`, recursively; symbolic links and other kinds
  /// of files are skipped, never followed. Empty if the folder does not exist.
  public func list(_ prefix: StoragePath) throws -> [StorageEntry] {
    guard let folder = try openFolderIfPresent(prefix) else { return [] }
    var entries: [StorageEntry] = []
    try collect(folder, prefix, into: &entries)
    return entries
  }

  /// The descriptor of the existing folder `path`, or nil when it does not exist.
  private func openFolderIfPresent(_ path: StoragePath) throws -> Int32? {
    do {
      return try openFolder(path, create: false)
    } catch let error as StorageError where error.code == .notFound {
      return nil
    }
  }

  /// The names of the regular files directly in `folder` (`readdir`; a file is `fstatat`ed only
  /// when the folder does not report its type); links and other kinds are skipped.
  public func names(in folder: StoragePath) throws -> [String] {
    guard let descriptor = try openFolderIfPresent(folder) else { return [] }
    var names: [String] = []
    try SystemCall.forEachEntry(ofFolder: descriptor, location: localPath(folder)) { name, type in
      switch type {
      case Int32(DT_REG): names.append(name)
      case Int32(DT_UNKNOWN):
        var info = stat()
        if fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0,
          SystemCall.isRegularFile(info)
        {
          names.append(name)
        }
      default: return
      }
    }
    return names
  }

  /// Removes a file; a missing file (or folder) is not an error.
  public func delete(_ path: StoragePath) throws {
    try requireName(path)
    guard let folder = try openFolderIfPresent(path.parent) else { return }
    defer { close(folder) }
    guard unlinkat(folder, path.lastComponent, 0) == 0 || errno == ENOENT else {
      throw SystemCall.error("unlink", localPath(path), errno)
    }
  }

  /// Every folder below `prefix` that holds nothing but such folders, with its modification
  /// time; symbolic links are never followed (a folder holding one is not empty).
  public func emptyFolders(under prefix: StoragePath) throws -> [StorageFolder] {
    guard let folder = try openFolderIfPresent(prefix) else { return [] }
    var folders: [StorageFolder] = []
    _ = try collectEmptyFolders(folder, prefix, into: &folders)
    return folders
  }

  /// Removes the folder `path` if it is empty (`rmdir` inside its parent, reached without
  /// following links). A missing folder counts as removed; a non-empty one, or a link or file
  /// in its place, is left alone.
  @discardableResult
  public func removeFolderIfEmpty(_ path: StoragePath) throws -> Bool {
    try requireName(path)
    guard let folder = try openFolderIfPresent(path.parent) else { return true }
    defer { close(folder) }
    guard unlinkat(folder, path.lastComponent, AT_REMOVEDIR) != 0 else { return true }
    switch errno {
    case ENOENT: return true
    case ENOTEMPTY, EEXIST, ENOTDIR: return false
    case let code: throw SystemCall.error("rmdir", localPath(path), code)
    }
  }

  /// Creates the folder `path` and any missing folder above it (one component at a time,
  /// refusing links), for callers that hand a local folder to code outside the storage layer.
  /// - Throws: `StorageError` `.symbolicLink`, `.ioFailure`.
  public func createFolder(_ path: StoragePath) throws {
    close(try openFolder(path, create: true))
  }

  /// Makes the names in the folder `path` durable (`fsync` of the folder).
  /// - Throws: `StorageError` `.notFound`, `.symbolicLink`, `.ioFailure`.
  public func synchronizeFolder(_ path: StoragePath) throws {
    let folder = try openFolder(path, create: false)
    defer { close(folder) }
    try SystemCall.synchronize(folder, location: localPath(path))
  }

  /// Opens the regular file at `path` inside the root.
  func openFile(_ path: StoragePath) throws -> LocalFileReader {
    try requireName(path)
    let folder = try openFolder(path.parent, create: false)
    defer { close(folder) }
    let location = localPath(path)
    let opened = try SystemCall.openRegularFile(in: folder, path.lastComponent, location: location)
    return LocalFileReader(descriptor: opened.descriptor, size: opened.size, location: location)
  }

  /// Opens the folder `path` one component at a time without following links, creating missing
  /// folders if `create`. The caller closes the descriptor.
  func openFolder(_ path: StoragePath, create: Bool) throws -> Int32 {
    if create {
      do {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
      } catch {
        // Foundation wraps the failing call's errno; name it in words.
        let posix = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error)
          .map { $0 as NSError }.flatMap { $0.domain == NSPOSIXErrorDomain ? $0 : nil }
        let reason =
          posix.map { String(cString: strerror(Int32($0.code))) } ?? "\(error)"
        throw StorageError(
          .ioFailure, "cannot create folder '\(root)': \(reason)", underlying: error)
      }
    }
    var current = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard current >= 0 else { throw SystemCall.error("open", root, errno) }
    var walked = StoragePath.root
    for component in path.components {
      walked = walked.appending(try .name(component))
      if create && mkdirat(current, component, 0o755) != 0 && errno != EEXIST {
        let code = errno
        close(current)
        throw SystemCall.error("mkdir", localPath(walked), code)
      }
      let next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      let code = errno
      if next < 0 {
        var info = stat()
        let linked =
          fstatat(current, component, &info, AT_SYMLINK_NOFOLLOW) == 0
          && SystemCall.isSymbolicLink(info)
        close(current)
        if linked {
          throw StorageError(
            .symbolicLink, "'\(localPath(walked))' is a symbolic link, which is never followed")
        }
        throw SystemCall.error("open folder", localPath(walked), code)
      }
      close(current)
      current = next
    }
    return current
  }

  private func collect(_ folder: Int32, _ prefix: StoragePath, into entries: inout [StorageEntry])
    throws
  {
    try SystemCall.forEachEntry(ofFolder: folder, location: localPath(prefix)) { name, _ in
      let child = prefix.appending(trustedName: name)
      var info = stat()
      guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
      if SystemCall.isRegularFile(info) {
        entries.append(
          StorageEntry(
            path: child, size: Int(info.st_size),
            lastModified: Date(timeIntervalSince1970: SystemCall.modificationTime(info))))
      } else if SystemCall.isFolder(info) {
        let inner = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard inner >= 0 else { return }
        try collect(inner, child, into: &entries)
      }
    }
  }

  /// Appends the empty folders below `folder` (whose descriptor it closes) to `folders`.
  /// - Returns: whether `folder` itself holds nothing but empty folders.
  private func collectEmptyFolders(
    _ folder: Int32, _ prefix: StoragePath, into folders: inout [StorageFolder]
  ) throws -> Bool {
    var isEmpty = true
    try SystemCall.forEachEntry(ofFolder: folder, location: localPath(prefix)) { name, type in
      // Files (most entries) are told apart by their type alone, without a stat.
      var info = stat()
      guard type == Int32(DT_DIR) || type == Int32(DT_UNKNOWN),
        fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0, SystemCall.isFolder(info)
      else {
        isEmpty = false
        return
      }
      let inner = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      guard inner >= 0 else {
        isEmpty = false
        return
      }
      let child = prefix.appending(trustedName: name)
      if try collectEmptyFolders(inner, child, into: &folders) {
        folders.append(
          StorageFolder(
            path: child,
            lastModified: Date(timeIntervalSince1970: SystemCall.modificationTime(info))))
      } else {
        isEmpty = false
      }
    }
    return isEmpty
  }

  private func requireName(_ path: StoragePath) throws {
    guard !path.components.isEmpty else {
      throw StorageError(.invalidPath, "the root '\(root)' is a folder, not an object")
    }
  }

  private static func requireRegularFile(_ info: stat, _ location: String) throws {
    if SystemCall.isSymbolicLink(info) {
      throw StorageError(.symbolicLink, "'\(location)' is a symbolic link, which is never followed")
    }
    guard SystemCall.isRegularFile(info) else {
      throw StorageError(.notRegularFile, "'\(location)' is not a regular file (\(SystemCall.kindName(info)))")
    }
  }
}
