import Foundation

/// Progress of a long operation on standard error: a redrawn bar when standard error is a
/// terminal, occasional plain lines otherwise, and nothing for work that ends within a second.
///
/// Used from one thread at a time (the thread that drives the operation).
final class ProgressReporter {
  private let label: String
  private let total: Int64?
  private let unit: Unit
  private let enabled: Bool
  private let isTerminal: Bool
  private let start = MonotonicClock.now()
  private var lastReport: Double = 0
  private var drewBar = false

  /// How amounts are printed.
  enum Unit {
    /// Bytes, printed as KB/MB/GB.
    case bytes
    /// A count of things, named in the plural (`rows`, `queries`).
    case items(String)
  }

  /// Creates a reporter for an operation of `total` units (nil when the total is unknown).
  /// - Parameter quiet: print nothing at all.
  init(_ label: String, total: Int64?, unit: Unit, quiet: Bool) {
    self.label = label
    self.total = total
    self.unit = unit
    self.enabled = !quiet
    self.isTerminal = StandardError.isTerminal
  }

  /// Records that `done` units are complete; draws at most ten times a second on a terminal and
  /// every ten seconds otherwise, and only once the operation has run for a second.
  func update(_ done: Int64) {
    guard enabled else { return }
    let elapsed = MonotonicClock.seconds(since: start)
    guard elapsed >= 1 else { return }
    let interval = isTerminal ? 0.1 : 10
    guard elapsed - lastReport >= interval else { return }
    lastReport = elapsed
    if isTerminal {
      StandardError.write("\r" + barLine(done, elapsed: elapsed) + "\u{1B}[K")
      drewBar = true
    } else {
      StandardError.line(plainLine(done, elapsed: elapsed))
    }
  }

  /// Ends the display: clears the bar on a terminal (the command prints its own summary).
  func finish() {
    guard enabled, drewBar else { return }
    StandardError.write("\r\u{1B}[K")
    drewBar = false
  }

  private func amount(_ value: Int64) -> String {
    switch unit {
    case .bytes: return ByteCount.format(value)
    case .items(let name): return "\(value) \(name)"
    }
  }

  private func rate(_ done: Int64, elapsed: Double) -> String {
    let perSecond = Double(done) / max(elapsed, 1e-9)
    switch unit {
    case .bytes: return ByteCount.format(Int64(perSecond)) + "/s"
    case .items(let name): return String(format: "%.0f", perSecond) + " \(name)/s"
    }
  }

  private func barLine(_ done: Int64, elapsed: Double) -> String {
    guard let total, total > 0 else {
      return "\(label): \(amount(done)) (\(rate(done, elapsed: elapsed)))"
    }
    let fraction = min(1, Double(done) / Double(total))
    let width = 30
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
    return "\(label) [\(bar)] \(Int(fraction * 100))% \(amount(done)) (\(rate(done, elapsed: elapsed)))"
  }

  private func plainLine(_ done: Int64, elapsed: Double) -> String {
    guard let total, total > 0 else {
      return "\(label): \(amount(done)) after \(Int(elapsed)) s"
    }
    let percent = Int(min(1, Double(done) / Double(total)) * 100)
    return "\(label): \(percent)% (\(amount(done)) of \(amount(total))) after \(Int(elapsed)) s"
  }
}

/// Human-readable byte counts.
enum ByteCount {
  /// `value` as `512 B`, `1.5 KB`, `12.3 MB`, `4.2 GB` (powers of 1024).
  static func format(_ value: Int64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var scaled = Double(value)
    var index = 0
    while abs(scaled) >= 1024, index + 1 < units.count {
      scaled /= 1024
      index += 1
    }
    return index == 0 ? "\(value) B" : String(format: "%.1f", scaled) + " " + units[index]
  }
}
