import Foundation
/// A summary of many sizes (rows per IVF partition, neighbours per HNSW node): minimum, median,
/// mean, maximum and counts in equal-width buckets.
struct SizeHistogram: Sendable, Equatable {
  /// One bucket: sizes in `lower...upper` and how many there are.
  struct Bucket: Sendable, Equatable {
    var lower: Int
    var upper: Int
    var count: Int
  }

  var count: Int
  var minimum: Int
  var median: Int
  var mean: Double
  var maximum: Int
  var buckets: [Bucket]

  /// Summarises `sizes` in at most `bucketCount` buckets (nil for no sizes).
  init?(_ sizes: [Int], bucketCount: Int = 8) {
    guard !sizes.isEmpty else { return nil }
    let sorted = sizes.sorted()
    count = sizes.count
    minimum = sorted.first!
    maximum = sorted.last!
    median = sorted[sorted.count / 2]
    mean = Double(sizes.reduce(0, +)) / Double(sizes.count)
    let span = maximum - minimum + 1
    let width = max(1, (span + bucketCount - 1) / bucketCount)
    var buckets: [Bucket] = []
    var lower = minimum
    while lower <= maximum {
      buckets.append(Bucket(lower: lower, upper: min(maximum, lower + width - 1), count: 0))
      lower += width
    }
    for size in sizes { buckets[(size - minimum) / width].count += 1 }
    self.buckets = buckets
  }

  /// Text lines: a summary, then one bar per bucket.
  func textLines(unit: String) -> [String] {
    var lines = [
      "\(count) × \(unit): min \(minimum), median \(median), mean "
        + String(format: "%.1f", mean) + ", max \(maximum)"
    ]
    let largest = buckets.map(\.count).max() ?? 1
    let labelWidth = buckets.map { "\($0.lower)–\($0.upper)".count }.max() ?? 0
    for bucket in buckets {
      let label =
        bucket.lower == bucket.upper ? "\(bucket.lower)" : "\(bucket.lower)–\(bucket.upper)"
      let bar = String(
        repeating: "#", count: max(bucket.count > 0 ? 1 : 0, bucket.count * 30 / max(1, largest)))
      lines.append(
        String(repeating: " ", count: labelWidth - label.count) + label + " | " + bar
          + " \(bucket.count)")
    }
    return lines
  }

  /// JSON: `{count, min, median, mean, max, buckets: [{lower, upper, count}]}`.
  func json() -> JSONValue {
    .object([
      ("count", .int(count)), ("min", .int(minimum)), ("median", .int(median)),
      ("mean", .number(mean)), ("max", .int(maximum)),
      (
        "buckets",
        .array(
          buckets.map {
            .object([
              ("lower", .int($0.lower)), ("upper", .int($0.upper)), ("count", .int($0.count)),
            ])
          })
      ),
    ])
  }
}
