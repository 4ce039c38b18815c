import Crypto
import Foundation

/// A folder of immutable objects' bytes, in aligned chunks, with a byte budget: what lets a warm
/// query read nothing from the server. Each object (bucket + key) has a file holding its size
/// and one file per chunk, named by the SHA-256 of bucket and key; files appear whole (written
/// beside and renamed). When the chunks exceed the budget the least recently used go first.
///
/// Only objects that never change belong here (data, deletion and index files); manifests are
/// never cached, so a check for the latest version always asks the server.
///
/// `@unchecked Sendable`: the index of files is guarded by `lock`; the files themselves appear
/// atomically and a missing or short chunk file only counts as a miss.
final class S3ObjectCache: @unchecked Sendable {
  /// The folder.
  let directory: URL
  /// Chunks are this many bytes (the last of an object may be shorter).
  let chunkSize: Int
  private let budgetBytes: Int
  private let lock = NSLock()
  private var entries: [String: (bytes: Int, lastUse: UInt64)] = [:]
  private var totalBytes = 0
  private var clock: UInt64 = 0

  /// A cache in `directory` (created if missing); files already there are kept, oldest first
  /// to go.
  init(directory: String, budgetBytes: Int, chunkSize: Int) throws {
    self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    self.budgetBytes = budgetBytes
    self.chunkSize = chunkSize
    let files = FileManager.default
    try files.createDirectory(at: self.directory, withIntermediateDirectories: true)
    let found = try files.contentsOfDirectory(
      at: self.directory, includingPropertiesForKeys: [.fileSizeKey, .contentModificationDateKey])
    let sorted = found.sorted {
      let left = (try? $0.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
      let right = (try? $1.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
      return (left ?? .distantPast) < (right ?? .distantPast)
    }
    for file in sorted {
      if file.lastPathComponent.contains(".partial-") {
        try? files.removeItem(at: file)
        continue
      }
      let bytes = (try? file.resourceValues(forKeys: [.fileSizeKey]))?.fileSize ?? 0
      clock += 1
      entries[file.lastPathComponent] = (bytes, clock)
      totalBytes += bytes
    }
  }

  /// The cached size of the object, or nil.
  func size(bucket: String, key: String) -> Int? {
    guard let bytes = read(name(bucket, key, "size")), bytes.count == 8 else { return nil }
    let size = bytes.withUnsafeBytes { Int(Int64(littleEndian: $0.loadUnaligned(as: Int64.self))) }
    return size >= 0 ? size : nil
  }

  /// Records the object's size.
  func storeSize(_ size: Int, bucket: String, key: String) {
    write(withUnsafeBytes(of: Int64(size).littleEndian) { Array($0) }, name(bucket, key, "size"))
  }

  /// Chunk `index` of the object if it is cached whole (`count` bytes), else nil.
  func chunk(_ index: Int, count: Int, bucket: String, key: String) -> [UInt8]? {
    guard let bytes = read(name(bucket, key, String(index))), bytes.count == count else {
      return nil
    }
    return bytes
  }

  /// Stores chunk `index` of the object.
  func storeChunk(_ bytes: [UInt8], index: Int, bucket: String, key: String) {
    write(bytes, name(bucket, key, String(index)))
  }

  /// Forgets the object's size and chunks (after a delete).
  func remove(bucket: String, key: String) {
    let stem = name(bucket, key, "")
    let doomed = lock.withLock {
      let names = entries.keys.filter { $0.hasPrefix(stem) }
      for name in names { totalBytes -= entries.removeValue(forKey: name)?.bytes ?? 0 }
      return names
    }
    for name in doomed { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
  }

  /// Bytes held now.
  var bytesHeld: Int { lock.withLock { totalBytes } }

  private func name(_ bucket: String, _ key: String, _ suffix: String) -> String {
    let digest = SHA256.hash(data: Array("\(bucket)/\(key)".utf8))
    return digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined() + "." + suffix
  }

  private func read(_ name: String) -> [UInt8]? {
    guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
    else { return nil }
    lock.withLock {
      clock += 1
      if entries[name] != nil { entries[name]?.lastUse = clock }
    }
    return [UInt8](data)
  }

  private func write(_ bytes: [UInt8], _ name: String) {
    guard bytes.count <= budgetBytes else { return }
    let target = directory.appendingPathComponent(name)
    let partial = directory.appendingPathComponent("\(name).partial-\(UUID().uuidString)")
    do {
      try Data(bytes).write(to: partial)
      // rename(2) replaces atomically: readers see the old file or the new one.
      guard rename(partial.path, target.path) == 0 else {
        try? FileManager.default.removeItem(at: partial)
        return
      }
    } catch {
      return  // a cache that cannot write is only slower
    }
    let evicted: [String] = lock.withLock {
      clock += 1
      totalBytes += bytes.count - (entries[name]?.bytes ?? 0)
      entries[name] = (bytes.count, clock)
      guard totalBytes > budgetBytes else { return [] }
      var names: [String] = []
      for (oldName, entry) in entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
        guard totalBytes > budgetBytes * 9 / 10 else { break }
        names.append(oldName)
        totalBytes -= entry.bytes
        entries[oldName] = nil
      }
      return names
    }
    for name in evicted { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
