import Foundation

/// The row-checksum tables a `DataFileReader` has read, per (column, page); each is verified
/// against the CRC32C in the page index before it is stored.
///
/// `@unchecked Sendable`: `tables` is only touched while `lock` is held.
final class RowChecksumTableCache: @unchecked Sendable {
  private let lock = NSLock()
  private var tables: [Int: [UInt32]] = [:]

  /// The table of page `page` of column `column`, read with `load` on first use.
  func table(column: Int, page: Int, load: () throws -> [UInt32]) rethrows -> [UInt32] {
    let key = column << 32 | page
    lock.lock()
    let cached = tables[key]
    lock.unlock()
    if let cached { return cached }
    let loaded = try load()
    lock.lock()
    tables[key] = loaded
    lock.unlock()
    return loaded
  }
}
