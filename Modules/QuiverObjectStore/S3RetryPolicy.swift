/// When and how long a failed request is retried: server errors (5xx), throttling (429,
/// `SlowDown`) and broken connections are tried again after an exponentially growing delay with
/// full jitter, until `maximumAttempts` tries or `budgetSeconds` since the first one have passed.
public struct S3RetryPolicy: Sendable, Equatable {
  /// Tries in all, the first included (≥ 1).
  public var maximumAttempts: Int
  /// The cap on the delay before the second try, in seconds; each further try doubles it.
  public var initialDelaySeconds: Double
  /// No delay is longer than this, in seconds.
  public var maximumDelaySeconds: Double
  /// No retry starts later than this many seconds after the first try began.
  public var budgetSeconds: Double
  /// How long one try may take before it counts as failed, in seconds.
  public var requestTimeoutSeconds: Double

  /// A policy; the defaults give up after about 10 s of a server that does not answer.
  public init(
    maximumAttempts: Int = 6, initialDelaySeconds: Double = 0.1, maximumDelaySeconds: Double = 2,
    budgetSeconds: Double = 10, requestTimeoutSeconds: Double = 30
  ) {
    self.maximumAttempts = max(1, maximumAttempts)
    self.initialDelaySeconds = max(0, initialDelaySeconds)
    self.maximumDelaySeconds = max(0, maximumDelaySeconds)
    self.budgetSeconds = max(0, budgetSeconds)
    self.requestTimeoutSeconds = max(0.001, requestTimeoutSeconds)
  }

  /// The delay before try number `attempt + 1` after try `attempt` (1-based) failed, or nil when
  /// the policy allows no further try.
  ///
  /// - Parameters:
  ///   - attempt: the try that just failed, counting from 1.
  ///   - elapsedSeconds: the time since the first try started.
  ///   - jitter: a number in `0...1` that picks the delay inside its range (full jitter).
  func delayBeforeRetry(after attempt: Int, elapsedSeconds: Double, jitter: Double) -> Double? {
    guard attempt < maximumAttempts else { return nil }
    let exponent = Double(min(attempt - 1, 30))
    let cap = min(maximumDelaySeconds, initialDelaySeconds * Double.pow2(exponent))
    let delay = cap * min(1, max(0, jitter))
    guard elapsedSeconds + delay <= budgetSeconds else { return nil }
    return delay
  }
}

extension Double {
  fileprivate static func pow2(_ exponent: Double) -> Double {
    Double(sign: .plus, exponent: Int(exponent), significand: 1)
  }
}
