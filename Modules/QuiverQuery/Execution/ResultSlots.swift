import Dispatch

/// One result slot per task of a parallel loop; each slot is written by exactly one task.
///
/// `@unchecked Sendable`: slots are disjoint (task `i` writes only slot `i`), and every write
/// happens-before `values()` because `concurrentPerform` returns only after all tasks end; the
/// lock makes the array's storage updates safe regardless.
final class ResultSlots<Value>: @unchecked Sendable {
  private var slots: [Result<Value, any Error>?]
  private let lock = DispatchSemaphore(value: 1)

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: Result<Value, any Error>) {
    lock.wait()
    slots[index] = result
    lock.signal()
  }

  /// The values in order; rethrows the first error.
  func values() throws -> [Value] {
    try slots.map { try $0!.get() }
  }
}

/// The number of cores work is spread over.
enum ProcessorCount {
  static var active: Int {
    #if canImport(Glibc)
      return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
      return max(1, Int(sysconf(_SC_NPROCESSORS_ONLN)))
    #endif
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
