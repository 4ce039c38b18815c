import QuiverTable

extension Table {
  /// Appends rows of any `Encodable` type as a new version; each stored property fills the
  /// column of the same name.
  ///
  /// ```swift
  /// struct Item: Codable { let item: String; let price: Double; let vector: [Float] }
  /// try table.add([Item(item: "baz", price: 7.5, vector: [1.5, 2.5])])
  /// ```
  /// Vectors are `[Float]`, `[Float16]` or `[UInt8]` properties; `Date` fills timestamp and date
  /// columns; integers convert to the column's width when the value fits.
  /// - Throws: `TableError.schemaMismatch` naming a column the type lacks, a property the table
  ///   lacks, or a value that does not fit its column; `TableError.invalidArgument` for a
  ///   property type a column cannot hold (nested types, other lists).
  /// - Complexity: O(rows × columns).
  public func add<Row: Encodable>(_ rows: [Row]) throws {
    try add(RowEncoder.batch(rows, schema: try schema()))
  }
}

extension Database {
  /// Creates the table `name` from rows of any `Encodable` type; the schema comes from the
  /// type: its properties in declaration order, their types (see `Table.add(_:)`), nullable
  /// where optional.
  ///
  /// ```swift
  /// let table = try db.createTable("items", rows: [Item(item: "foo", price: 10, vector: [3.1, 4.1])])
  /// ```
  /// - Throws: `TableError.invalidArgument` for no rows, a property whose every value is nil
  ///   (its type cannot be inferred) or a type a column cannot hold; what `createTable(_:data:mode:)`
  ///   throws.
  public func createTable<Row: Encodable>(
    _ name: String, rows: [Row], mode: CreateMode = .create
  ) throws -> Table {
    try createTable(name, data: RowEncoder.batch(rows), mode: mode)
  }
}
