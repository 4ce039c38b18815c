import Crypto
import Foundation
import QuiverStorage

/// A folder of immutable objects' bytes, in aligned chunks, with a byte budget, and the most
/// recently read of those chunks in memory: what lets a warm query read nothing from the server
/// and, once a chunk is in memory, no file either. Each object (bucket + key) has a file holding
/// its size and one file per chunk, named by the SHA-256 of bucket and key (`S3CachedPart`);
/// files appear whole (written beside and renamed). When the files exceed the budget the least
/// recently used go first; so do chunks in memory past theirs.
///
/// Every file is a `ChecksummedFrame` (magic `QVCC`): a chunk read from a file is checked once,
/// when it enters memory; a file that fails the check is removed and counts as a miss, so the
/// chunk is fetched from the server again. Chunks fetched from the server go to memory as they
/// are (the file format's own checksums check them where they are used).
///
/// Only objects that never change belong here (data, deletion and index files); manifests are
/// never cached, so a check for the latest version always asks the server.
///
/// `@unchecked Sendable`: `entries`, `memory`, `loading` and the counters are only touched
/// under `condition`; the files appear atomically, and a missing, short or corrupt file only
/// counts as a miss.
final class S3ObjectCache: @unchecked Sendable {
  /// The folder.
  let directory: URL
  /// Chunks are this many bytes (the last of an object may be shorter).
  let chunkSize: Int
  /// The chunks being fetched from the server, so that concurrent misses of one chunk send one
  /// GET.
  let fetches = S3ChunkFetches()
  private let budgetBytes: Int
  private let condition = NSCondition()
  private var entries: [S3CachedPart: (bytes: Int, lastUse: UInt64)] = [:]
  private var totalBytes = 0
  private var clock: UInt64 = 0
  private var memory: LeastRecentlyUsedChunks
  /// Parts being read from their files by some thread: others wait for it rather than read
  /// and check the same file again.
  private var loading: Set<S3CachedPart> = []
  private var filesChecked = 0
  private var corruptFiles = 0

  private static let magic = "QVCC"
  private static let version: UInt16 = 1

  /// A cache in `directory` (created if missing) holding at most `budgetBytes` in files and
  /// `memoryBudgetBytes` in memory. Files already there are kept, the least recently modified
  /// first to go; leftovers of interrupted writes are removed, files it did not name are left
  /// alone.
  init(directory: String, budgetBytes: Int, chunkSize: Int, memoryBudgetBytes: Int) throws {
    self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    self.budgetBytes = budgetBytes
    self.chunkSize = chunkSize
    memory = LeastRecentlyUsedChunks(budgetBytes: memoryBudgetBytes)
    let files = FileManager.default
    try files.createDirectory(at: self.directory, withIntermediateDirectories: true)
    let keys: Set<URLResourceKey> = [.fileSizeKey, .contentModificationDateKey]
    // One stat per file, then a sort on the stored dates.
    var found: [(part: S3CachedPart, bytes: Int, modified: Date)] = []
    for file in try files.contentsOfDirectory(at: self.directory, includingPropertiesForKeys: Array(keys)) {
      if file.lastPathComponent.contains(".partial-") {
        try? files.removeItem(at: file)
        continue
      }
      guard let part = S3CachedPart(fileName: file.lastPathComponent) else { continue }
      let values = try? file.resourceValues(forKeys: keys)
      found.append((part, values?.fileSize ?? 0, values?.contentModificationDate ?? .distantPast))
    }
    found.sort { $0.modified < $1.modified }
    for file in found {
      clock += 1
      entries[file.part] = (file.bytes, clock)
      totalBytes += file.bytes
    }
  }

  /// The name of an object's parts: the hex SHA-256 of `bucket/key`.
  func objectName(bucket: String, key: String) -> String {
    let digest = SHA256.hash(data: Array("\(bucket)/\(key)".utf8))
    return digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
  }

  /// The cached size of the object, or nil.
  func size(of object: String) -> Int? {
    guard let bytes = bytes(of: S3CachedPart(object: object, index: S3CachedPart.sizeIndex)),
      bytes.count == 8
    else { return nil }
    let size = bytes.withUnsafeBytes { Int(Int64(littleEndian: $0.loadUnaligned(as: Int64.self))) }
    return size >= 0 ? size : nil
  }

  /// Records the object's size.
  func storeSize(_ size: Int, of object: String) {
    store(
      withUnsafeBytes(of: Int64(size).littleEndian) { Array($0) },
      S3CachedPart(object: object, index: S3CachedPart.sizeIndex))
  }

  /// Chunk `index` of the object if it is cached whole (`count` bytes), else nil: from memory,
  /// else from its file (checked, then kept in memory).
  func chunk(_ index: Int, count: Int, of object: String) -> [UInt8]? {
    guard let bytes = bytes(of: S3CachedPart(object: object, index: index)), bytes.count == count
    else { return nil }
    return bytes
  }

  /// Whether chunk `index` of the object is in memory or has a file (its content not checked).
  func holds(chunk index: Int, of object: String) -> Bool {
    let part = S3CachedPart(object: object, index: index)
    return condition.withLock { memory.contains(part) || entries[part] != nil }
  }

  /// Stores chunk `index` of the object, in memory and in its file.
  func storeChunk(_ bytes: [UInt8], index: Int, of object: String) {
    store(bytes, S3CachedPart(object: object, index: index))
  }

  /// Forgets the object's size and chunks (after a delete).
  func remove(object: String) {
    let doomed = condition.withLock {
      memory.removeAll(object: object)
      let parts = entries.keys.filter { $0.object == object }
      for part in parts { totalBytes -= entries.removeValue(forKey: part)?.bytes ?? 0 }
      return parts
    }
    for part in doomed { try? FileManager.default.removeItem(at: url(part)) }
  }

  /// Bytes held in files now.
  var bytesHeld: Int { condition.withLock { totalBytes } }

  /// Bytes held in memory now.
  var memoryBytesHeld: Int { condition.withLock { memory.bytesHeld } }

  /// Files read and checked so far (each time a part entered memory from its file).
  var filesCheckedCount: Int { condition.withLock { filesChecked } }

  /// Files found corrupt (and removed) so far.
  var corruptFilesCount: Int { condition.withLock { corruptFiles } }

  /// The part's bytes from memory, else from its file, read and checked by one thread while
  /// any other asking for it waits.
  private func bytes(of part: S3CachedPart) -> [UInt8]? {
    condition.lock()
    while true {
      if let bytes = memory.bytes(of: part) {
        touch(part)
        condition.unlock()
        return bytes
      }
      guard loading.contains(part) else { break }
      condition.wait()
    }
    loading.insert(part)
    condition.unlock()
    let bytes = readFile(part)
    condition.lock()
    loading.remove(part)
    filesChecked += bytes.checked ? 1 : 0
    if let content = bytes.content {
      memory.insert(content, as: part)
      touch(part)
    } else if bytes.checked {
      corruptFiles += 1
      totalBytes -= entries.removeValue(forKey: part)?.bytes ?? 0
    }
    condition.broadcast()
    condition.unlock()
    return bytes.content
  }

  /// The content of the part's file if it is there and its frame checks; `checked` is whether
  /// a file was read and checked (a corrupt one is removed).
  private func readFile(_ part: S3CachedPart) -> (content: [UInt8]?, checked: Bool) {
    guard let data = FileManager.default.contents(atPath: url(part).path) else {
      return (nil, false)
    }
    let bytes = [UInt8](data)
    if let frame = try? ChecksummedFrame.decode(bytes, magic: Self.magic, context: part.fileName),
      frame.version == Self.version
    {
      return (Array(bytes[frame.content]), true)
    }
    try? FileManager.default.removeItem(at: url(part))
    return (nil, true)
  }

  /// Marks the part's file as just used. Call under `condition`.
  private func touch(_ part: S3CachedPart) {
    clock += 1
    entries[part]?.lastUse = clock
  }

  private func url(_ part: S3CachedPart) -> URL { directory.appendingPathComponent(part.fileName) }

  private func store(_ bytes: [UInt8], _ part: S3CachedPart) {
    condition.withLock { memory.insert(bytes, as: part) }
    let framed = ChecksummedFrame.encode(
      magic: Self.magic, version: Self.version, capacity: bytes.count
    ) { $0.write(bytes) }
    guard framed.count <= budgetBytes else { return }
    let target = url(part)
    let partial = directory.appendingPathComponent("\(part.fileName).partial-\(UUID().uuidString)")
    do {
      try Data(framed).write(to: partial)
      // rename(2) replaces atomically: readers see the old file or the new one.
      guard rename(partial.path, target.path) == 0 else {
        try? FileManager.default.removeItem(at: partial)
        return
      }
    } catch {
      return  // a cache that cannot write is only slower
    }
    let evicted: [S3CachedPart] = condition.withLock {
      clock += 1
      totalBytes += framed.count - (entries[part]?.bytes ?? 0)
      entries[part] = (framed.count, clock)
      guard totalBytes > budgetBytes else { return [] }
      var parts: [S3CachedPart] = []
      for (oldPart, entry) in entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
        guard totalBytes > budgetBytes * 9 / 10 else { break }
        parts.append(oldPart)
        totalBytes -= entry.bytes
        entries[oldPart] = nil
      }
      return parts
    }
    for part in evicted { try? FileManager.default.removeItem(at: url(part)) }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
