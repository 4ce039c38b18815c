/// A plain-text table with aligned columns, for results printed on a terminal.
struct TextTable {
  /// The column headings.
  var headings: [String]
  /// The rows, each with one cell per heading.
  var rows: [[String]] = []
  /// Columns whose cells are right-aligned (numbers).
  var rightAligned: Set<Int> = []

  /// Appends a row.
  mutating func append(_ row: [String]) {
    precondition(row.count == headings.count, "a row needs \(headings.count) cells")
    rows.append(row)
  }

  /// The table as lines of text: headings, a rule, then the rows.
  func rendered() -> String {
    var widths = headings.map(\.count)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { column, cell in
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        return rightAligned.contains(column) ? padding + cell : cell + padding
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }
    var lines = [line(headings), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
    lines += rows.map(line)
    return lines.joined(separator: "\n")
  }
}

extension String {
  /// The string without trailing spaces.
  fileprivate func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
