import Foundation

extension RecordBatch: CustomStringConvertible {
  /// The most rows `description` prints; longer batches print their first and last rows.
  static let describedRowLimit = 20
  /// The most characters of one cell; longer text is cut with "…".
  static let describedCellWidth = 40
  /// The most elements of a vector cell; longer vectors show their first ones and the length.
  static let describedVectorElements = 4

  /// The batch as a text table: a header of column names, a rule, one line per row (vectors
  /// shortened, text cut at 40 characters, nulls as `null`) and the row count.
  ///
  /// ```
  /// item  price  vector
  /// ----  -----  ----------
  /// foo   10.0   [3.1, 4.1]
  /// bar   20.0   [5.9, 26.5]
  /// (2 rows)
  /// ```
  /// Batches of more than 20 rows show the first and last 10 with a "…" line between.
  /// - Complexity: O(columns × printed rows).
  public var description: String {
    let rows: [Int]
    let elided: Bool
    if rowCount > Self.describedRowLimit {
      let half = Self.describedRowLimit / 2
      rows = Array(0..<half) + Array((rowCount - half)..<rowCount)
      elided = true
    } else {
      rows = Array(0..<rowCount)
      elided = false
    }
    var table: [[String]] = [schema.names]
    for row in rows {
      table.append(columns.map { Self.cellText($0[row], type: $0.dataType) })
    }
    let widths = schema.names.indices.map { column in
      table.map { $0[column].count }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      zip(cells, widths).map { cell, width in
        cell + String(repeating: " ", count: width - cell.count)
      }.joined(separator: "  ").replacing(/\s+$/, with: "")
    }
    var lines = [line(table[0]), line(widths.map { String(repeating: "-", count: $0) })]
    for (position, cells) in table.dropFirst().enumerated() {
      if elided && position == Self.describedRowLimit / 2 {
        lines.append("… \(rowCount - Self.describedRowLimit) more rows")
      }
      lines.append(line(cells))
    }
    lines.append(rowCount == 1 ? "(1 row)" : "(\(rowCount) rows)")
    return lines.joined(separator: "\n")
  }

  /// One cell of a column of `type` as printed in `description` (float32 values in their
  /// shortest `Float` form, not widened to `Double` digits).
  static func cellText(_ value: ColumnValue, type: DataType) -> String {
    func shortened(_ text: String) -> String {
      text.count <= describedCellWidth ? text : text.prefix(describedCellWidth - 1) + "…"
    }
    func vector(_ elements: [String]) -> String {
      if elements.count <= describedVectorElements {
        return "[" + elements.joined(separator: ", ") + "]"
      }
      return "[" + elements.prefix(describedVectorElements - 1).joined(separator: ", ")
        + ", …] (\(elements.count))"
    }
    switch value {
    case .null: return "null"
    case .bool(let flag): return String(flag)
    case .int(let number): return String(number)
    case .uint(let number): return String(number)
    case .float16Bits(let bits): return String(HalfPrecision.float(fromBits: bits))
    case .float(let number): return type == .float32 ? String(Float(number)) : String(number)
    case .string(let text): return shortened(text.replacing("\n", with: "\\n"))
    case .binary(let bytes): return "<\(bytes.count) bytes>"
    case .timestamp(let micros):
      let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
      return date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    case .date(let days):
      let date = Date(timeIntervalSince1970: Double(days) * 86_400)
      return date.formatted(.iso8601.year().month().day())
    case .vector(let elements): return vector(elements.map { String($0) })
    case .byteVector(let elements): return vector(elements.map { String($0) })
    }
  }
}
