import Foundation
import QuiverIndex

/// One caller's progress handler shared by the steps of `Table.optimize` (compaction, each
/// index update, cleanup) and by the parts of an index update: every step reports within its
/// own span of the whole, and the fraction passed on never decreases.
///
/// `@unchecked Sendable`: the mutable state is touched only while holding `lock` (an index's
/// append may report from a worker thread).
final class OptimizeProgress: @unchecked Sendable {
  private let handler: IndexBuildProgressHandler?
  private let lock = NSLock()
  private var reported = 0.0
  private var lastPhase: IndexBuildProgress.Phase?

  /// Progress passed on to `handler` (nil: nothing is reported).
  init(_ handler: IndexBuildProgressHandler?) { self.handler = handler }

  /// The whole operation as one span.
  var whole: Span { Span(sink: self, start: 0, length: 1) }

  /// Passes on `completed` of `total` units of `phase` at `fraction` of the whole.
  fileprivate func report(
    _ phase: IndexBuildProgress.Phase, _ completed: Int, of total: Int, at fraction: Double
  ) {
    guard let handler else { return }
    lock.withLock {
      reported = max(reported, min(1, fraction))
      lastPhase = phase
      handler(
        IndexBuildProgress(
          phase: phase, completedUnits: completed, totalUnits: total, fraction: reported))
    }
  }

  /// Reports the end (fraction 1) in the last phase reported, when anything was reported.
  func finish() {
    guard handler != nil, let phase = lock.withLock({ lastPhase }) else { return }
    report(phase, 1, of: 1, at: 1)
  }

  /// Whether reports go anywhere.
  fileprivate var isReporting: Bool { handler != nil }

  /// A part of the whole operation, `start` to `start + length`.
  struct Span: Sendable {
    fileprivate let sink: OptimizeProgress
    fileprivate let start: Double
    fileprivate let length: Double

    /// The part of this span from `from` to `to` (fractions of this span).
    func part(from: Double, to: Double) -> Span {
      Span(sink: sink, start: start + length * from, length: length * (to - from))
    }

    /// Reports `completed` of `total` units of `phase`, as that share of this span.
    func report(_ phase: IndexBuildProgress.Phase, _ completed: Int, of total: Int) {
      let within = total > 0 ? min(1, Double(completed) / Double(total)) : 1
      sink.report(phase, completed, of: total, at: start + length * within)
    }

    /// A handler that places another operation's reports (fractions 0...1) in this span; nil
    /// when nothing is reported.
    var handler: IndexBuildProgressHandler? {
      guard sink.isReporting else { return nil }
      return { [self] progress in
        sink.report(
          progress.phase, progress.completedUnits, of: progress.totalUnits,
          at: start + length * progress.fraction)
      }
    }
  }
}
