/// Rows of equal-length columns under a schema: the unit that is written, read and passed
/// between layers.
///
/// ```swift
/// let batch = try RecordBatch(columns: ["id": [1, 2, 3], "vector": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]])
/// ```
public struct RecordBatch: Sendable, Equatable {
  /// Names, types and nullability of the columns.
  public let schema: Schema
  /// The columns, in schema order.
  public let columns: [Column]
  /// The number of rows (every column has this many).
  public let rowCount: Int

  /// Creates a batch and checks it against its schema.
  /// - Throws: `FormatError.invalidColumn` naming the column whose length, type or nulls do not
  ///   fit; `.schemaMismatch` when the numbers of fields and columns differ.
  public init(schema: Schema, columns: [Column]) throws {
    try self.init(schema: schema, columns: columns, rowCount: columns.first?.count ?? 0)
  }

  /// Creates a batch with a stated row count, which is what gives a batch of no columns (an
  /// empty projection) its rows.
  /// - Throws: as `init(schema:columns:)`, and `.invalidColumn` when a column does not have
  ///   `rowCount` rows.
  public init(schema: Schema, columns: [Column], rowCount: Int) throws {
    guard schema.count == columns.count else {
      throw FormatError(
        .schemaMismatch, "the schema has \(schema.count) fields but \(columns.count) columns were given")
    }
    for (field, column) in zip(schema.fields, columns) {
      guard column.dataType == field.type else {
        throw FormatError(
          .invalidColumn, "column '\(field.name)' holds \(column.dataType) but the schema says \(field.type)")
      }
      guard column.count == rowCount else {
        throw FormatError(
          .invalidColumn,
          "column '\(field.name)' has \(column.count) rows but the batch has \(rowCount)")
      }
      if !field.nullable && column.hasNulls {
        throw FormatError(
          .invalidColumn, "column '\(field.name)' is not nullable but has \(column.nullCount) nulls")
      }
    }
    self.schema = schema
    self.columns = columns
    self.rowCount = rowCount
  }

  /// Creates a batch from named columns in order; every field is nullable.
  /// - Throws: `FormatError.duplicateColumn`, or `.invalidColumn` naming the column (ragged
  ///   vectors, a length that differs from the first column's).
  public init(_ namedColumns: [(name: String, column: any ColumnConvertible)]) throws {
    var fields: [Field] = []
    var columns: [Column] = []
    for (name, convertible) in namedColumns {
      let column: Column
      do {
        column = try convertible.makeColumn()
      } catch let error as FormatError {
        throw FormatError(error.code, "column '\(name)': \(error.message)", underlying: error)
      }
      fields.append(Field(name, column.dataType))
      columns.append(column)
    }
    try self.init(schema: Schema(fields), columns: columns)
  }

  /// Creates a batch from a literal of named columns, in the order written:
  /// `try RecordBatch(columns: ["id": [1, 2, 3], "name": ["a", "b", nil]])`.
  /// - Throws: as `init(_:)`.
  public init(columns: KeyValuePairs<String, any ColumnConvertible>) throws {
    try self.init(columns.map { (name: $0.key, column: $0.value) })
  }

  /// A batch with no rows.
  public static func empty(schema: Schema) -> RecordBatch {
    try! RecordBatch(schema: schema, columns: schema.fields.map { Column.empty($0.type) })
  }

  /// The column named `name`, or nil.
  public subscript(name: String) -> Column? { schema.index(of: name).map { columns[$0] } }

  /// The column named `name`.
  /// - Throws: `FormatError.columnNotFound`.
  public func column(named name: String) throws -> Column {
    guard let column = self[name] else {
      throw FormatError(
        .columnNotFound, "column '\(name)' is not in the batch (\(schema.names.joined(separator: ", ")))")
    }
    return column
  }

  /// A batch of only the named columns, in the order given.
  /// - Throws: `FormatError.columnNotFound` naming the first unknown column.
  public func selecting(columns names: [String]) throws -> RecordBatch {
    let selected = try schema.selecting(names)
    return try RecordBatch(schema: selected, columns: names.map { try column(named: $0) })
  }

  /// The rows in `rows`, sharing storage.
  /// - Precondition: `rows` lies within `0..<rowCount`.
  /// - Complexity: O(number of columns).
  public func slice(rows: Range<Int>) -> RecordBatch {
    precondition(rows.lowerBound >= 0 && rows.upperBound <= rowCount, "RecordBatch.slice: \(rows) out of 0..<\(rowCount)")
    return RecordBatch(unchecked: schema, columns: columns.map { $0.slice(rows) }, rowCount: rows.count)
  }

  /// The rows at `rows`, in that order.
  /// - Throws: `FormatError.rowOutOfRange` naming the first row outside `0..<rowCount`.
  public func take(rows: [Int]) throws -> RecordBatch {
    for row in rows where row < 0 || row >= rowCount {
      throw FormatError(.rowOutOfRange, "take: row \(row) is outside 0..<\(rowCount)")
    }
    return RecordBatch(unchecked: schema, columns: try columns.map { try $0.take(rows) }, rowCount: rows.count)
  }

  /// The rows of `batches` one after another.
  /// - Parameters:
  ///   - schema: The schema when `batches` is empty; otherwise every batch's column
  ///     names and types must match it (nullability and metadata are taken from it).
  ///   - batches: The batches, in order.
  /// - Throws: `FormatError.schemaMismatch` naming the first difference.
  public static func concatenate(_ batches: [RecordBatch], schema: Schema? = nil) throws -> RecordBatch {
    guard let schema = schema ?? batches.first?.schema else {
      throw FormatError(.invalidArgument, "concatenate: no batches and no schema")
    }
    for batch in batches {
      guard batch.schema.count == schema.count else {
        throw FormatError(.schemaMismatch, "concatenate: a batch has columns (\(batch.schema)) but the schema is (\(schema))")
      }
      for (left, right) in zip(batch.schema.fields, schema.fields) where left.name != right.name || left.type != right.type {
        throw FormatError(.schemaMismatch, "concatenate: column '\(left.name): \(left.type)' does not match '\(right.name): \(right.type)'")
      }
    }
    let columns = try schema.fields.indices.map { index in
      try Column.concatenate(batches.map { $0.columns[index] }, dataType: schema.fields[index].type)
    }
    // Counted from the batches, not the columns: a batch may project no columns at all.
    return try RecordBatch(
      schema: schema, columns: columns, rowCount: batches.reduce(0) { $0 + $1.rowCount })
  }

  init(unchecked schema: Schema, columns: [Column], rowCount: Int) {
    self.schema = schema
    self.columns = columns
    self.rowCount = rowCount
  }
}
