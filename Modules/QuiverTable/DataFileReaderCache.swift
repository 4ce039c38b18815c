import Foundation
import QuiverFormat
import QuiverStorage

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

  /// The reader of `record`, opened on first use; its size and row count are checked against
  /// the manifest, so a data file swapped for another is refused on every path that reads it.
  /// - Throws: `TableError.corruptDataFile` naming the fragment and file.
  package func reader(for record: DataFileRecord, of fragment: FragmentMetadata, layout: TableLayout)
    throws -> DataFileReader
  {
    let fragmentID = fragment.id
    lock.lock()
    let cached = readers[record.path]
    lock.unlock()
    if let cached { return cached }
    let path = try TableLayout.path(
      record.path, field: "fragment \(fragmentID) data file path")
    let location = layout.describe(path)
    let reader: DataFileReader
    do {
      reader = try DataFileReader(file: layout.storage.openReader(path), location: location)
    } catch let error as FormatError {
      throw TableError(
        .corruptDataFile, "fragment \(fragmentID): data file '\(location)': \(error.description)", underlying: error)
    } catch let error as StorageError {
      throw TableError(
        .corruptDataFile, "fragment \(fragmentID): data file '\(location)': \(error.description)", underlying: error)
    }
    guard reader.fileSize == record.sizeBytes else {
      throw TableError(
        .corruptDataFile,
        "fragment \(fragmentID): data file '\(location)' has \(reader.fileSize) bytes, the manifest says \(record.sizeBytes)"
      )
    }
    guard reader.rowCount == fragment.physicalRowCount else {
      throw TableError(
        .corruptDataFile,
        "fragment \(fragmentID): data file '\(location)' has \(reader.rowCount) rows, the manifest says \(fragment.physicalRowCount)"
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
