import Dispatch
import Foundation

/// Results filled by concurrent iterations.
///
/// `@unchecked Sendable`: each slot is written by exactly one iteration of
/// `concurrentPerform` (work is partitioned by index) and read only after it returns.
final class ConcurrentSlots<Element>: @unchecked Sendable {
  private let slots: UnsafeMutablePointer<Element?>
  let count: Int

  init(count: Int) {
    self.count = count
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil, count: count)
  }

  deinit {
    slots.deinitialize(count: count)
    slots.deallocate()
  }

  func store(_ element: Element, at index: Int) { slots[index] = element }

  func take() -> [Element] { (0..<count).map { slots[$0]! } }
}

extension DataFileReader {
  /// Pages decoded at once by `readPages`: enough to keep every core busy, few enough to bound
  /// memory.
  static var pageBatch: Int { max(2, 2 * ProcessInfo.processInfo.activeProcessorCount) }

  /// Reads and decodes several pages of one column, on every core.
  /// - Throws: the first error of `readPage` in page order.
  func readPages(column: Int, _ indices: [Int]) throws -> [Column] {
    try readPageResults(column: column, indices).map { try $0.get() }
  }

  /// Reads and decodes several pages of one column on every core, keeping each page's outcome.
  func readPageResults(column: Int, _ indices: [Int]) -> [Result<Column, any Error>] {
    if indices.count <= 1 { return indices.map { index in Result { try readPage(column: column, page: index) } } }
    let slots = ConcurrentSlots<Result<Column, any Error>>(count: indices.count)
    let threads = min(ProcessInfo.processInfo.activeProcessorCount, indices.count)
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
      for position in stride(from: thread, to: indices.count, by: threads) {
        slots.store(Result { try self.readPage(column: column, page: indices[position]) }, at: position)
      }
    }
    return slots.take()
  }
}
