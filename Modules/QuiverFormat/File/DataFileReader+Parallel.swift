import Dispatch
import Foundation

/// Results filled by concurrent iterations, one slot per index.
///
/// `@unchecked Sendable`: `results` is only touched while `lock` is held.
final class ConcurrentSlots<Element>: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Element?]

  init(count: Int) { results = Array(repeating: nil, count: count) }

  func store(_ element: Element, at index: Int) {
    lock.lock()
    results[index] = element
    lock.unlock()
  }

  func take() -> [Element] {
    lock.lock()
    defer { lock.unlock() }
    return results.map { $0! }
  }
}

extension DataFileReader {
  /// Pages decoded at once by `readPages`: enough to keep every core busy, few enough to bound
  /// memory.
  static var pageBatch: Int { max(2, 2 * ProcessInfo.processInfo.activeProcessorCount) }

  /// Reads and decodes several pages of one column, on every core.
  /// - Throws: the first error of `readPage` in page order.
  func readPages(column: Int, _ indices: [Int]) throws -> [Column] {
    try readPageResults(column: column, indices).map { try $0.column() }
  }

  /// Reads and decodes several pages of one column on every core, keeping each page's outcome.
  func readPageResults(column: Int, _ indices: [Int]) -> [PageOutcome] {
    if indices.count <= 1 { return indices.map { PageOutcome(reading: self, column: column, page: $0) } }
    let slots = ConcurrentSlots<PageOutcome>(count: indices.count)
    let threads = min(ProcessInfo.processInfo.activeProcessorCount, indices.count)
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
      for position in stride(from: thread, to: indices.count, by: threads) {
        slots.store(PageOutcome(reading: self, column: column, page: indices[position]), at: position)
      }
    }
    return slots.take()
  }
}

/// A decoded page or the error reading it.
enum PageOutcome: Sendable {
  case decoded(Column)
  case failed(FormatError)

  init(reading reader: DataFileReader, column: Int, page: Int) {
    do {
      self = .decoded(try reader.readPage(column: column, page: page))
    } catch let error as FormatError {
      self = .failed(error)
    } catch {
      self = .failed(
        FormatError(.ioFailure, "data file '\(reader.path)': \(error)", underlying: error))
    }
  }

  /// The page, or the error thrown.
  func column() throws -> Column {
    switch self {
    case .decoded(let column): return column
    case .failed(let error): throw error
    }
  }
}
