import Dispatch
import QuiverIndex
import QuiverStorage

/// The query-independent work of a vector search — allowed rows of the indexed fragments (live
/// rows, and for a prefilter those passing it), the vectors of a very selective prefilter's rows,
/// and the allowed rows of exactly scanned fragments — kept for one table version so that
/// repeated searches with the same filter (or none, with deletions) do not redo it.
///
/// `@unchecked Sendable`: `entries` and `order` are only touched while holding `lock`.
package final class PrefilterCache: @unchecked Sendable {
  struct Key: Hashable {
    var filter: String?
    var prefilter: Bool
    var index: String?
    var column: String
    var fastSearch: Bool
    /// Whether the index knew which fragments it holds rows of (an IVF_HNSW index learns it as
    /// partitions load; once it knows, coverage may need no filter).
    var indexFragmentsKnown: Bool
  }

  struct Entry: Sendable {
    var indexAllowed: RowSet?
    var selectiveRows: (rowIds: [UInt64], vectors: [Float])?
    var scanAllowed: RowSet
  }

  private let lock = DispatchSemaphore(value: 1)
  private var entries: [Key: Entry] = [:]
  private var order: [Key] = []
  /// How many filters are kept (least recently used goes first).
  package let capacity: Int

  package init(capacity: Int = 16) { self.capacity = capacity }

  func entry(for key: Key, make: () throws -> Entry) rethrows -> Entry {
    lock.wait()
    if let found = entries[key] {
      order.removeAll { $0 == key }
      order.append(key)
      lock.signal()
      return found
    }
    lock.signal()
    let made = try make()
    lock.wait()
    entries[key] = made
    order.removeAll { $0 == key }
    order.append(key)
    while order.count > capacity { entries[order.removeFirst()] = nil }
    lock.signal()
    return made
  }
}
