import QuiverFormat

/// Runs scans without a query vector: filtered, projected, with offset and limit; and the row
/// selections behind `countRows(where:)`, `delete(where:)` and `update(where:)`.
package struct ScanExecutor: Sendable {
  package let source: any QueryDataSource
  package let filter: Filter?

  /// Checks `filter` against the source's schema.
  /// - Throws: `QueryError` from the filter.
  package init(source: any QueryDataSource, filter: String?) throws(QueryError) {
    self.source = source
    self.filter = try filter.map { text throws(QueryError) in try Filter(text, schema: source.schema) }
  }

  /// Calls `body` for each batch with the offsets (within `fragment`) of its rows that are live
  /// and pass the filter.
  package func forEachMatch(
    columns: [String],
    _ body: (_ fragment: QueryFragment, _ first: Int, _ batch: RecordBatch, _ rows: [Int]) throws
      -> Bool
  ) throws {
    var needed = columns
    for name in filter?.columnNames ?? [] where !needed.contains(name) { needed.append(name) }
    if needed.isEmpty {
      // A batch without columns has no rows; read the narrowest column to learn the row count.
      let narrowest = source.schema.fields.min { ($0.type.byteWidth ?? 16) < ($1.type.byteWidth ?? 16) }
      if let narrowest { needed = [narrowest.name] }
    }
    for fragment in source.fragments where fragment.liveRowCount > 0 {
      var keepGoing = true
      try source.scan(fragment, columns: needed) { first, batch in
        guard keepGoing else { return }
        var rows: [Int]
        if let filter {
          rows = try FilterEvaluator.matchingRows(filter.bound, in: batch)
        } else {
          rows = Array(0..<batch.rowCount)
        }
        if fragment.deletedRows != nil { rows.removeAll { fragment.isDeleted(first + $0) } }
        keepGoing = try body(fragment, first, batch, rows)
      }
      if !keepGoing { return }
    }
  }

  /// The number of live rows that pass the filter.
  package func count() throws -> Int {
    if filter == nil { return source.fragments.reduce(0) { $0 + $1.liveRowCount } }
    var total = 0
    try forEachMatch(columns: []) { _, _, _, rows in
      total += rows.count
      return true
    }
    return total
  }

  /// The ids of the live rows that pass the filter, ascending within each fragment.
  package func matchingRowIds() throws -> [UInt64] {
    var ids: [UInt64] = []
    try forEachMatch(columns: []) { fragment, first, _, rows in
      ids.append(contentsOf: rows.map { fragment.rowId(first + $0) })
      return true
    }
    return ids
  }

  /// The rows of `query`: projection (plus `_rowid` on request) of the passing live rows, in
  /// row-id order, after `offset`, at most `limit`.
  /// - Throws: `QueryError.invalidArgument` for a negative offset or a limit below 0,
  ///   `.unknownColumn` for an unknown projected column.
  package func execute(_ query: ScanQuery) throws -> RecordBatch {
    guard query.offset >= 0 else {
      throw QueryError(.invalidArgument, "offset must not be negative, got \(query.offset)")
    }
    if let limit = query.limit, limit < 0 {
      throw QueryError(.invalidArgument, "limit must not be negative, got \(limit)")
    }
    let projection = try QueryPlanner.projectionColumns(query.columns, schema: source.schema)
    var outputSchema = try source.schema.selecting(projection)
    if query.withRowId {
      outputSchema = try Schema(
        outputSchema.fields + [Field(QueryPlanner.rowIdColumn, .uint64, nullable: false)])
    }
    var toSkip = query.offset
    var remaining = query.limit ?? Int.max
    var pieces: [RecordBatch] = []
    if remaining > 0 {
      try forEachMatch(columns: projection) { fragment, first, batch, rows in
        var rows = rows
        if toSkip > 0 {
          let skipped = min(toSkip, rows.count)
          rows.removeFirst(skipped)
          toSkip -= skipped
        }
        if rows.count > remaining { rows.removeLast(rows.count - remaining) }
        remaining -= rows.count
        if !rows.isEmpty {
          var columns = try batch.take(rows: rows).selecting(columns: projection).columns
          if query.withRowId { columns.append(Column(rows.map { fragment.rowId(first + $0) })) }
          pieces.append(try RecordBatch(schema: outputSchema, columns: columns))
        }
        return remaining > 0
      }
    }
    return try RecordBatch.concatenate(pieces, schema: outputSchema)
  }
}
