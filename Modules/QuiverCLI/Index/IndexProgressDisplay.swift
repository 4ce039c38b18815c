import Foundation
import Quiver

/// Draws `IndexBuildProgress` (of `quiver index` or `quiver optimize`) on standard error: a
/// redrawn bar with the phase on a terminal, otherwise a plain line naming the command when the
/// phase changes and every ten seconds; nothing when quiet.
///
/// `@unchecked Sendable`: the mutable state is touched only while holding `lock` (the handler
/// is called on the building thread, and may be called from a partition writer).
final class IndexProgressDisplay: @unchecked Sendable {
  private let enabled: Bool
  private let command: String
  private let isTerminal = StandardError.isTerminal
  private let start = MonotonicClock.now()
  private let lock = NSLock()
  private var lastDraw = -Double.infinity
  private var lastPhase: IndexBuildProgress.Phase?
  private var drewBar = false

  /// A display for `command` (`quiver index`) that prints nothing when `quiet`.
  private init(command: String, quiet: Bool) {
    self.command = command
    enabled = !quiet
  }

  /// Runs `operation` (`createIndex` or `optimize`) with the progress handler of a display for
  /// `command`, and ends the display however the operation ends.
  static func showing<Result>(
    command: String, quiet: Bool,
    _ operation: (@escaping IndexBuildProgressHandler) throws -> Result
  ) rethrows -> Result {
    let display = IndexProgressDisplay(command: command, quiet: quiet)
    defer { display.finish() }
    return try operation { [display] progress in display.show(progress) }
  }

  private func show(_ progress: IndexBuildProgress) {
    guard enabled else { return }
    lock.withLock {
      let elapsed = MonotonicClock.seconds(since: start)
      let phaseChanged = progress.phase != lastPhase
      lastPhase = progress.phase
      let percent = Int((progress.fraction * 100).rounded(.down))
      if isTerminal {
        guard elapsed - lastDraw >= 0.1 || progress.fraction >= 1 else { return }
        lastDraw = elapsed
        let width = 30
        let filled = Int(progress.fraction * Double(width))
        let bar =
          String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        StandardError.write(
          "\r[\(bar)] \(percent)% \(progress.phase.rawValue) "
            + "\(progress.completedUnits)/\(progress.totalUnits)\u{1B}[K")
        drewBar = true
      } else {
        guard phaseChanged || elapsed - lastDraw >= 10 else { return }
        lastDraw = elapsed
        StandardError.line(
          "\(command): \(percent)% \(progress.phase.rawValue) "
            + "\(progress.completedUnits)/\(progress.totalUnits) after \(Int(elapsed)) s")
      }
    }
  }

  /// Ends the display: clears the bar on a terminal.
  private func finish() {
    lock.withLock {
      guard drewBar else { return }
      StandardError.write("\r\u{1B}[K")
      drewBar = false
    }
  }
}
