import QuiverQuery

extension SearchStatistics {
  /// One line per figure.
  public var summary: String {
    var lines = ["Run:"]
    if indexSearches > 0 {
      lines.append("  index searches \(indexSearches), partitions probed \(partitionsProbed)"
        + (ef.map { ", ef \($0)" } ?? "") + ", candidates \(indexCandidates)")
    }
    if let allowed = prefilterAllowedRows { lines.append("  prefilter allowed rows \(allowed)") }
    if exactScanOfAllowedRows { lines.append("  few rows pass the prefilter: scanned them exactly") }
    if let after = candidatesAfterPostfilter { lines.append("  candidates after postfilter \(after)") }
    if refinedRows > 0 { lines.append("  refined rows \(refinedRows)") }
    if exactlyScannedRows > 0 { lines.append("  exactly compared rows \(exactlyScannedRows)") }
    return lines.joined(separator: "\n")
  }
}
