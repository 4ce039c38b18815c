import Foundation
import QuiverFormat

/// Open data-file readers and decoded deletion vectors of one table, shared by the copies of a
/// `Dataset`. Files never change once written, so a cached entry stays valid for as long as the
/// file exists.
package final class DataFileReaderCache: @unchecked Sendable {
  // @unchecked: `readers` and `deletions` are only touched while `lock` is held; the values are
  // Sendable.
  private let lock = NSLock()
  private var readers: [String: DataFileReader] = [:]
  private var deletions: [String: DeletionVector] = [:]
  /// At most this many readers are kept open (each may hold a file descriptor).
  static let capacity = 128
  /// At most this many deletion vectors are kept (they hold no descriptor).
  static let deletionCapacity = 4096

  /// An empty cache.
  package init() {}

  /// The reader of `record`, opened (and its size checked) on first use.
  /// - Throws: `TableError.corruptDataFile` naming the fragment and file.
  package func reader(for record: DataFileRecord, fragmentID: UInt32, layout: TableLayout) throws
    -> DataFileReader
  {
    lock.lock()
    let cached = readers[record.path]
    lock.unlock()
    if let cached { return cached }
    let url = layout.url(relative: record.path)
    let reader: DataFileReader
    do {
      reader = try DataFileReader(url: url)
    } catch let error as FormatError {
      throw TableError(
        .corruptDataFile, "fragment \(fragmentID): data file '\(url.path)': \(error.description)",
        underlying: error)
    }
    guard reader.fileSize == record.sizeBytes else {
      throw TableError(
        .corruptDataFile,
        "fragment \(fragmentID): data file '\(url.path)' has \(reader.fileSize) bytes, the manifest says \(record.sizeBytes)"
      )
    }
    lock.lock()
    if readers.count >= Self.capacity { readers.removeAll(keepingCapacity: true) }
    readers[record.path] = reader
    lock.unlock()
    return reader
  }

  /// The deletion vector of `fragment` (empty without a deletion file), decoded on first use.
  /// - Throws: `TableError.corruptDeletionFile`.
  func deletionVector(of fragment: FragmentMetadata, layout: TableLayout) throws
    -> DeletionVector
  {
    guard let record = fragment.deletionFile else { return DeletionVector() }
    lock.lock()
    let cached = deletions[record.path]
    lock.unlock()
    if let cached { return cached }
    let vector = try layout.readDeletionVector(of: fragment)
    lock.lock()
    if deletions.count >= Self.deletionCapacity { deletions.removeAll(keepingCapacity: true) }
    deletions[record.path] = vector
    lock.unlock()
    return vector
  }
}
