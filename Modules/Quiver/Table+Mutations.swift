import QuiverFormat
import QuiverQuery
import QuiverTable

extension Table {
  /// Deletes the rows passing `filter` (a SQL `WHERE` filter) as a new version.
  /// - Returns: How many rows were deleted (0 commits nothing).
  /// - Throws: `QueryError` for a bad filter; `TableError` for a failed commit.
  @discardableResult
  public func delete(where filter: String) throws -> Int {
    let snapshot = try snapshot()
    let rowIds = try ScanExecutor(source: snapshot.source, filter: filter).matchingRowIds()
    guard !rowIds.isEmpty else { return 0 }
    return try withDataset { try $0.delete(rowIDs: rowIds) }
  }

  /// Sets columns of the rows passing `filter` (every row when nil) to new values.
  ///
  /// The changed rows are written as new rows (new row ids) and the old ones deleted in one
  /// commit (`Dataset.replaceRows`): one new version, and a crash leaves either the old rows or
  /// the new ones, never both.
  /// - Parameters:
  ///   - filter: A SQL `WHERE` filter choosing the rows; nil changes every row.
  ///   - values: New values by column name (`.null` for null).
  /// - Returns: How many rows changed.
  /// - Throws: `QueryError` (`.unknownColumn`, `.typeMismatch` when a value does not fit its
  ///   column, filter errors); `TableError`.
  @discardableResult
  public func update(where filter: String? = nil, values: [String: ColumnValue]) throws -> Int {
    let snapshot = try snapshot()
    let schema = snapshot.source.schema
    for name in values.keys where schema.field(named: name) == nil {
      throw QueryError(
        .unknownColumn,
        "update: unknown column '\(name)' (columns: \(schema.names.joined(separator: ", ")))")
    }
    let rowIds = try ScanExecutor(source: snapshot.source, filter: filter).matchingRowIds()
    guard !rowIds.isEmpty else { return 0 }
    let old = try snapshot.source.take(rowIds: rowIds, columns: schema.names)
    let columns = try zip(schema.fields, old.columns).map { field, column in
      guard let value = values[field.name] else { return column }
      return try ConstantColumn.make(value, field: field, count: old.rowCount)
    }
    let updated = try RecordBatch(schema: schema, columns: columns)
    try withDataset { dataset in
      _ = try dataset.replaceRows(deleting: rowIds, appending: [updated])
    }
    return rowIds.count
  }

  /// Upserts `data` by the key column `key`: rows of the table whose key appears in `data` are
  /// replaced by the rows of `data` (when `updateMatched`), and rows of `data` whose key is new
  /// are inserted (when `insertUnmatched`). LanceDB's
  /// `merge_insert(on).when_matched_update_all().when_not_matched_insert_all()`.
  ///
  /// Like `update`, replaced rows get new row ids, and the inserts and replacements are one
  /// commit (one new version; nothing is committed when nothing changes).
  /// - Returns: How many rows were updated and inserted.
  /// - Throws: `QueryError.unknownColumn` for a key the table or `data` lacks,
  ///   `.invalidArgument` for duplicate or null keys in `data`; `TableError`.
  @discardableResult
  public func mergeInsert(
    on key: String, data: RecordBatch, updateMatched: Bool = true, insertUnmatched: Bool = true
  ) throws -> (updated: Int, inserted: Int) {
    let snapshot = try snapshot()
    guard snapshot.source.schema.field(named: key) != nil else {
      throw QueryError(.unknownColumn, "mergeInsert: the table has no key column '\(key)'")
    }
    guard let newKeys = data[key] else {
      throw QueryError(.unknownColumn, "mergeInsert: the new rows have no key column '\(key)'")
    }
    var positionByKey: [ColumnValue: Int] = [:]
    for row in 0..<data.rowCount {
      let value = newKeys[row]
      guard value != .null else {
        throw QueryError(.invalidArgument, "mergeInsert: row \(row) of the new data has a null key")
      }
      guard positionByKey.updateValue(row, forKey: value) == nil else {
        throw QueryError(.invalidArgument, "mergeInsert: key \(value) appears twice in the new data")
      }
    }
    // Table rows whose key is among the new keys.
    var matchedRowIds: [UInt64] = []
    var matchedPositions = Set<Int>()
    try ScanExecutor(source: snapshot.source, filter: nil).forEachMatch(columns: [key]) {
      fragment, first, batch, rows in
      let keys = batch[key]!
      for row in rows {
        if let position = positionByKey[keys[row]] {
          matchedRowIds.append(fragment.rowId(first + row))
          matchedPositions.insert(position)
        }
      }
      return true
    }
    var keep: [Int] = []
    for row in 0..<data.rowCount {
      let matched = matchedPositions.contains(row)
      if (matched && updateMatched) || (!matched && insertUnmatched) { keep.append(row) }
    }
    let toAppend = keep.count == data.rowCount ? data : try data.take(rows: keep)
    let toDelete = updateMatched ? matchedRowIds : []
    try withDataset { dataset in
      _ = try dataset.replaceRows(
        deleting: toDelete, appending: toAppend.rowCount > 0 ? [toAppend] : [])
    }
    let updated = updateMatched ? matchedPositions.count : 0
    return (updated, toAppend.rowCount - updated)
  }
}

/// A column of one repeated value, for `update`.
enum ConstantColumn {
  static func make(_ value: ColumnValue, field: Field, count: Int) throws -> Column {
    func mismatch() -> QueryError {
      QueryError(.typeMismatch, "update: \(value) does not fit column '\(field.name)' (\(field.type))")
    }
    if value == .null {
      guard field.nullable else {
        throw QueryError(.typeMismatch, "update: column '\(field.name)' is not nullable")
      }
      return Column(nulls: count, of: field.type)
    }
    func integer<T: FixedWidthInteger & FixedWidthColumnElement>(_ type: T.Type) throws -> Column {
      let converted: T?
      switch value {
      case .int(let number): converted = T(exactly: number)
      case .uint(let number): converted = T(exactly: number)
      default: converted = nil
      }
      guard let converted else { throw mismatch() }
      return Column([T](repeating: converted, count: count))
    }
    switch (field.type, value) {
    case (.bool, .bool(let flag)): return Column([Bool](repeating: flag, count: count))
    case (.int8, _): return try integer(Int8.self)
    case (.int16, _): return try integer(Int16.self)
    case (.int32, _): return try integer(Int32.self)
    case (.int64, _): return try integer(Int64.self)
    case (.uint8, _): return try integer(UInt8.self)
    case (.uint16, _): return try integer(UInt16.self)
    case (.uint32, _): return try integer(UInt32.self)
    case (.uint64, _): return try integer(UInt64.self)
    case (.float32, .float(let number)): return Column([Float](repeating: Float(number), count: count))
    case (.float32, .int(let number)): return Column([Float](repeating: Float(number), count: count))
    case (.float64, .float(let number)): return Column([Double](repeating: number, count: count))
    case (.float64, .int(let number)): return Column([Double](repeating: Double(number), count: count))
    case (.utf8, .string(let text)): return Column([String](repeating: text, count: count))
    case (.binary, .binary(let bytes)):
      return Column(binary: [[UInt8]?](repeating: bytes, count: count))
    case (.timestamp, .timestamp(let micros)):
      return Column(timestampMicroseconds: [Int64?](repeating: micros, count: count))
    case (.date, .date(let days)):
      return Column(daysSinceEpoch: [Int32?](repeating: days, count: count))
    case (.fixedSizeList(.float32, let dimension), .vector(let vector)):
      guard vector.count == dimension else { throw mismatch() }
      return try Column(
        vectors: Array([[Float]](repeating: vector, count: count).joined()), dimension: dimension)
    default:
      throw mismatch()
    }
  }
}
