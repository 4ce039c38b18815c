import QuiverFormat
import QuiverIndex
import QuiverStorage

/// A data source over record batches held in memory, one batch per fragment (fragment ids
/// 0, 1, 2, …), with deletions. For tests and tools; tables on disk use module Quiver's adapter.
package struct InMemoryDataSource: QueryDataSource {
  package let schema: Schema
  package private(set) var batches: [RecordBatch]
  package private(set) var fragments: [QueryFragment]
  /// Rows handed to `scan` callbacks at a time.
  package var scanBatchRows: Int = 4096
  /// When set, `pageStatistics` describes pages of this many rows (computed from the data).
  package var statisticsPageRows: Int?

  /// A source with one fragment per batch.
  /// - Precondition: every batch has `schema`.
  package init(schema: Schema, fragments batches: [RecordBatch]) {
    precondition(batches.allSatisfy { $0.schema == schema }, "InMemoryDataSource: schema differs")
    self.schema = schema
    self.batches = batches
    fragments = batches.enumerated().map {
      QueryFragment(id: UInt32($0.offset), physicalRowCount: $0.element.rowCount)
    }
  }

  /// Marks rows deleted.
  package mutating func delete(rowIds: [UInt64]) {
    for rowId in rowIds {
      let fragment = Int(RowID.fragmentID(rowId))
      let offset = Int(RowID.offset(rowId))
      var deleted = fragments[fragment].deletedRows
        ?? RowBitmap(capacity: fragments[fragment].physicalRowCount)
      deleted.insert(offset)
      fragments[fragment].deletedRows = deleted
    }
  }

  /// Adds a fragment.
  package mutating func append(_ batch: RecordBatch) {
    precondition(batch.schema == schema, "InMemoryDataSource: schema differs")
    fragments.append(QueryFragment(id: UInt32(batches.count), physicalRowCount: batch.rowCount))
    batches.append(batch)
  }

  package func scan(
    _ fragment: QueryFragment, columns: [String],
    _ body: (_ firstOffset: Int, _ batch: RecordBatch) throws -> Void
  ) throws {
    let batch = try batches[Int(fragment.id)].selecting(columns: columns)
    var start = 0
    while start < batch.rowCount {
      let end = min(batch.rowCount, start + scanBatchRows)
      try body(start, batch.slice(rows: start..<end))
      start = end
    }
  }

  package func pageStatistics(_ fragment: QueryFragment, column: String)
    -> [PageRangeStatistics]?
  {
    guard let pageRows = statisticsPageRows, let data = batches[Int(fragment.id)][column],
      !data.dataType.isVector
    else { return nil }
    return stride(from: 0, to: data.count, by: pageRows).map { start in
      let rows = start..<min(data.count, start + pageRows)
      var minimum: ColumnValue? = nil
      var maximum: ColumnValue? = nil
      var nulls = 0
      for row in rows {
        let value = data[row]
        if value.isNull {
          nulls += 1
          continue
        }
        if case .float(let number) = value, number.isNaN { continue }
        if minimum == nil || ColumnValueOrdering.order(value, minimum!)! < 0 { minimum = value }
        if maximum == nil || ColumnValueOrdering.order(value, maximum!)! > 0 { maximum = value }
      }
      return PageRangeStatistics(
        rows: rows,
        statistics: RangeStatistics(
          minimum: minimum, maximum: maximum, nullCount: nulls, rowCount: rows.count))
    }
  }

  package func take(rowIds: [UInt64], columns: [String]) throws -> RecordBatch {
    let selected = try schema.selecting(columns)
    var pieces: [[Column]] = Array(repeating: [], count: columns.count)
    for rowId in rowIds {
      let fragment = Int(RowID.fragmentID(rowId))
      let offset = Int(RowID.offset(rowId))
      guard fragment < batches.count, offset < batches[fragment].rowCount else {
        throw QueryError(.invalidArgument, "row id \(rowId) does not exist")
      }
      for (position, name) in columns.enumerated() {
        pieces[position].append(batches[fragment][name]!.slice(offset..<(offset + 1)))
      }
    }
    let concatenated = try zip(selected.fields, pieces).map { field, parts in
      try Column.concatenate(parts, dataType: field.type)
    }
    return try RecordBatch(schema: selected, columns: concatenated)
  }
}
