import Foundation

/// Turns the steps of one build into `IndexBuildProgress` reports: each stage (one or more
/// phases that run interleaved) owns a share of the whole, and the fraction reported never
/// decreases.
///
/// `@unchecked Sendable`: the mutable state is touched only while holding `lock` (a partition
/// loader closure reports from inside a write).
final class IndexBuildProgressTracker: @unchecked Sendable {
  private let lock = NSLock()
  private var advanced: [IndexBuildProgress.Phase: Int] = [:]
  private let handler: IndexBuildProgressHandler?
  /// Per stage: its phases, the fraction before it and its share.
  private let stages: [(phases: Set<IndexBuildProgress.Phase>, start: Double, share: Double)]
  private var reported = 0.0
  private var lastPhase: IndexBuildProgress.Phase?

  /// A tracker of `stages` (phases and relative weights, in build order) reporting to `handler`.
  init(
    _ handler: IndexBuildProgressHandler?,
    stages: [(phases: Set<IndexBuildProgress.Phase>, weight: Double)]
  ) {
    self.handler = handler
    let total = max(stages.reduce(0) { $0 + $1.weight }, .leastNonzeroMagnitude)
    var start = 0.0
    var built: [(Set<IndexBuildProgress.Phase>, Double, Double)] = []
    for stage in stages {
      built.append((stage.phases, start, stage.weight / total))
      start += stage.weight / total
    }
    self.stages = built
  }

  /// A tracker that reports nothing.
  static var silent: IndexBuildProgressTracker { IndexBuildProgressTracker(nil, stages: []) }

  /// Reports `completed` of `total` units of `phase`.
  func report(_ phase: IndexBuildProgress.Phase, _ completed: Int, of total: Int) {
    guard let handler else { return }
    lock.lock()
    defer { lock.unlock() }
    lastPhase = phase
    if let stage = stages.first(where: { $0.phases.contains(phase) }) {
      let within = total > 0 ? min(1, Double(completed) / Double(total)) : 1
      reported = max(reported, min(1, stage.start + stage.share * within))
    }
    handler(
      IndexBuildProgress(
        phase: phase, completedUnits: completed, totalUnits: total, fraction: reported))
  }

  /// Adds `units` to the units done of `phase` and reports the new count.
  func advance(_ phase: IndexBuildProgress.Phase, by units: Int, of total: Int) {
    guard handler != nil else { return }
    let completed = lock.withLock {
      advanced[phase, default: 0] += units
      return advanced[phase, default: 0]
    }
    report(phase, completed, of: total)
  }

  /// Reports the end of the build (fraction 1, in the last phase reported).
  func finish(rows: Int) {
    guard handler != nil else { return }
    let phase = lock.withLock {
      reported = 1
      return lastPhase ?? .writing
    }
    report(phase, rows, of: rows)
  }
}
