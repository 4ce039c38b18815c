import QuiverFormat

/// Statistics of one page of a column: the rows it holds (within its fragment) and what is known
/// about their values.
package struct PageRangeStatistics: Sendable, Hashable {
  package var rows: Range<Int>
  package var statistics: RangeStatistics

  package init(rows: Range<Int>, statistics: RangeStatistics) {
    self.rows = rows
    self.statistics = statistics
  }
}

/// Decides, from the page statistics of one fragment, which row ranges a filter can skip: a whole
/// fragment before it is read, or a scanned batch before it is evaluated.
package struct FilterPageSkipper: Sendable {
  let filter: BoundFilter
  let pages: [String: [PageRangeStatistics]]

  /// Nil when the source has no statistics for any column the filter reads.
  package init?(_ filter: BoundFilter, fragment: QueryFragment, source: any QueryDataSource) {
    var pages: [String: [PageRangeStatistics]] = [:]
    for column in filter.columns {
      if let found = source.pageStatistics(fragment, column: column.name) {
        pages[column.name] = found
      }
    }
    guard !pages.isEmpty else { return nil }
    self.filter = filter
    self.pages = pages
  }

  /// Whether some row in `rows` may pass the filter.
  package func mayMatch(rows: Range<Int>) -> Bool {
    FilterPruning.mayMatch(filter) { name in
      guard let columnPages = pages[name] else { return nil }
      return Self.merge(columnPages.filter { $0.rows.overlaps(rows) }.map(\.statistics))
    }
  }

  /// The statistics of several pages together (unknown bounds stay unknown).
  static func merge(_ parts: [RangeStatistics]) -> RangeStatistics? {
    guard !parts.isEmpty else { return nil }
    var nulls = 0
    var rows = 0
    var minimum: ColumnValue? = nil
    var maximum: ColumnValue? = nil
    var boundsKnown = true
    for part in parts {
      nulls += part.nullCount
      rows += part.rowCount
      if part.nullCount == part.rowCount { continue }  // all null: no bounds needed
      guard let low = part.minimum, let high = part.maximum else {
        boundsKnown = false
        continue
      }
      if let current = minimum {
        guard let order = ColumnValueOrdering.order(low, current) else {
          boundsKnown = false
          continue
        }
        if order < 0 { minimum = low }
      } else {
        minimum = low
      }
      if let current = maximum {
        guard let order = ColumnValueOrdering.order(high, current) else {
          boundsKnown = false
          continue
        }
        if order > 0 { maximum = high }
      } else {
        maximum = high
      }
    }
    return RangeStatistics(
      minimum: boundsKnown ? minimum : nil, maximum: boundsKnown ? maximum : nil,
      nullCount: nulls, rowCount: rows)
  }
}
