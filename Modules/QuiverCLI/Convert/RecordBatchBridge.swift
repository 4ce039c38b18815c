import QuiverFormat

/// Moves rows between `ExchangeBatch` (what exchange files hold) and `RecordBatch` (what tables
/// hold), checking that nothing is lost on the way.
enum RecordBatchBridge {
  /// The table type an exchange column becomes in a new table.
  /// - Throws: `CLIError.usage` for int32 vectors, which tables do not hold.
  static func dataType(for type: ExchangeType, column: String) throws -> DataType {
    switch type {
    case .bool: return .bool
    case .int64: return .int64
    case .float32: return .float32
    case .float64: return .float64
    case .string: return .utf8
    case .binary: return .binary
    case .vector(let element, let dimension):
      guard let tableElement = tableElement(element) else {
        throw CLIError(
          .usage,
          "column '\(column)' holds int32 vectors (as .ivecs ground-truth files do); tables hold "
            + "float32, float16 and uint8 vectors, so convert it to .npy or .csv instead")
      }
      return .fixedSizeList(tableElement, dimension: dimension)
    }
  }

  /// The schema of a new table made from exchange `fields`; vector columns are not nullable.
  /// - Parameter source: the input, named in messages.
  static func schema(for fields: [ExchangeField], source: String) throws -> Schema {
    do {
      return try schema(for: fields)
    } catch let error as CLIError {
      throw CLIError(error.code, "\(source): \(error.message)")
    }
  }

  private static func schema(for fields: [ExchangeField]) throws -> Schema {
    try Schema(
      fields.map { field in
        Field(
          field.name, try dataType(for: field.type, column: field.name),
          nullable: !field.type.isVector)
      })
  }

  /// `batch` as a record batch of `schema` (the new table's, or an existing table's when
  /// appending): columns are matched by name and cast where no value changes (int64 into a
  /// narrower integer column is range-checked; float64 text values into float32 are rounded as
  /// the text would have been).
  /// - Parameter firstRow: the row number of the batch's first row in the input, for messages.
  /// - Throws: `CLIError` naming the column (and row) that does not fit.
  static func recordBatch(
    _ batch: ExchangeBatch, schema: Schema, source: String, firstRow: Int
  ) throws -> RecordBatch {
    // Name lookups through dictionaries: a linear search per column was quadratic in the
    // column count.
    let tableNames = Set(schema.names)
    var positions: [String: Int] = [:]
    for (position, field) in batch.fields.enumerated() where positions[field.name] == nil {
      positions[field.name] = position
    }
    for field in batch.fields where !tableNames.contains(field.name) {
      throw CLIError(
        .badData,
        "\(source): column '\(field.name)' is not in the table (columns: "
          + "\(schema.names.joined(separator: ", ")))")
    }
    var columns: [Column] = []
    for field in schema.fields {
      guard let position = positions[field.name] else {
        guard field.nullable else {
          throw CLIError(
            .badData,
            "\(source): the table's column '\(field.name)' is not nullable but the input lacks it")
        }
        columns.append(Column(nulls: batch.rowCount, of: field.type))
        continue
      }
      let column = try cast(
        batch.columns[position], to: field.type,
        context: "\(source): column '\(field.name)'", firstRow: firstRow)
      if !field.nullable, column.hasNulls {
        let row = (0..<column.count).first { column.isNull($0) } ?? 0
        throw CLIError(
          .badData,
          "\(source): row \(firstRow + row): column '\(field.name)' is null, but the table's column is not nullable"
        )
      }
      columns.append(column)
    }
    do {
      return try RecordBatch(schema: schema, columns: columns)
    } catch {
      throw CLIError(.badData, "\(source): \(error)")
    }
  }

  /// The exchange type a table column is written out as.
  static func exchangeType(for field: Field) -> ExchangeType {
    switch field.type {
    case .bool: return .bool
    case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .timestamp, .date:
      return .int64
    case .float16, .float32: return .float32
    case .float64: return .float64
    case .utf8: return .string
    case .binary: return .binary
    case .fixedSizeList(let element, let dimension):
      return .vector(exchangeElement(element), dimension: dimension)
    }
  }

  /// Exchange fields for a table `schema`, in order.
  static func fields(for schema: Schema) -> [ExchangeField] {
    schema.fields.map { ExchangeField(name: $0.name, type: exchangeType(for: $0)) }
  }

  /// `batch` as an exchange batch.
  /// - Parameter firstRow: the table row number of the batch's first row, for messages.
  /// - Throws: `CLIError.badData` for a null vector or a uint64 beyond int64.
  static func exchangeBatch(_ batch: RecordBatch, source: String, firstRow: Int) throws
    -> ExchangeBatch
  {
    let fields = fields(for: batch.schema)
    var columns: [ExchangeColumn] = []
    for (field, column) in zip(batch.schema.fields, batch.columns) {
      let rows = 0..<column.count
      switch field.type {
      case .bool:
        columns.append(.bool(rows.map { column.value(at: $0, as: Bool.self) }))
      case .int8:
        columns.append(.int64(rows.map { column.value(at: $0, as: Int8.self).map(Int64.init) }))
      case .int16:
        columns.append(.int64(rows.map { column.value(at: $0, as: Int16.self).map(Int64.init) }))
      case .int32, .date:
        columns.append(.int64(rows.map { column.value(at: $0, as: Int32.self).map(Int64.init) }))
      case .int64, .timestamp:
        columns.append(.int64(rows.map { column.value(at: $0, as: Int64.self) }))
      case .uint8:
        columns.append(.int64(rows.map { column.value(at: $0, as: UInt8.self).map(Int64.init) }))
      case .uint16:
        columns.append(.int64(rows.map { column.value(at: $0, as: UInt16.self).map(Int64.init) }))
      case .uint32:
        columns.append(.int64(rows.map { column.value(at: $0, as: UInt32.self).map(Int64.init) }))
      case .uint64:
        var values: [Int64?] = []
        for row in rows {
          guard let value = column.value(at: row, as: UInt64.self) else {
            values.append(nil)
            continue
          }
          guard let exact = Int64(exactly: value) else {
            throw CLIError(
              .badData,
              "\(source): row \(firstRow + row): column '\(field.name)': \(value) exceeds int64")
          }
          values.append(exact)
        }
        columns.append(.int64(values))
      case .float16:
        columns.append(
          .float32(
            rows.map { column.value(at: $0, as: UInt16.self).map(HalfPrecision.float(fromBits:)) }))
      case .float32:
        columns.append(.float32(rows.map { column.value(at: $0, as: Float.self) }))
      case .float64:
        columns.append(.float64(rows.map { column.value(at: $0, as: Double.self) }))
      case .utf8:
        columns.append(.string(rows.map { column.string(at: $0) }))
      case .binary:
        columns.append(.binary(rows.map { column.bytes(at: $0) }))
      case .fixedSizeList(let element, let dimension):
        if column.hasNulls, let row = rows.first(where: { column.isNull($0) }) {
          throw CLIError(
            .badData, "\(source): row \(firstRow + row): vector column '\(field.name)' is null")
        }
        let bytes = column.withUnsafeBytes { [UInt8]($0) }
        columns.append(.vector(exchangeElement(element), dimension: dimension, bytes: bytes))
      }
    }
    return ExchangeBatch(fields: fields, columns: columns)
  }

  private static func tableElement(_ element: VectorElement) -> VectorElementType? {
    switch element {
    case .float32: return .float32
    case .float16: return .float16
    case .uint8: return .uint8
    case .int32: return nil
    }
  }

  private static func exchangeElement(_ element: VectorElementType) -> VectorElement {
    switch element {
    case .float32: return .float32
    case .float16: return .float16
    case .uint8: return .uint8
    }
  }

  private static func cast(
    _ column: ExchangeColumn, to type: DataType, context: String, firstRow: Int
  ) throws -> Column {
    func mismatch(_ held: String) -> CLIError {
      CLIError(.badData, "\(context) holds \(held), but the table's column is \(type)")
    }
    func narrow<T: FixedWidthInteger & FixedWidthColumnElement>(_ values: [Int64?], _: T.Type)
      throws -> Column
    {
      var result: [T?] = []
      result.reserveCapacity(values.count)
      for (row, value) in values.enumerated() {
        guard let value else {
          result.append(nil)
          continue
        }
        guard let exact = T(exactly: value) else {
          throw CLIError(
            .badData, "\(context): row \(firstRow + row): \(value) does not fit \(type)")
        }
        result.append(exact)
      }
      return Column(result)
    }
    switch (column, type) {
    case (.bool(let values), .bool): return Column(values)
    case (.int64(let values), .int8): return try narrow(values, Int8.self)
    case (.int64(let values), .int16): return try narrow(values, Int16.self)
    case (.int64(let values), .int32): return try narrow(values, Int32.self)
    case (.int64(let values), .int64): return Column(values)
    case (.int64(let values), .uint8): return try narrow(values, UInt8.self)
    case (.int64(let values), .uint16): return try narrow(values, UInt16.self)
    case (.int64(let values), .uint32): return try narrow(values, UInt32.self)
    case (.int64(let values), .uint64): return try narrow(values, UInt64.self)
    case (.int64(let values), .timestamp): return Column(timestampMicroseconds: values)
    case (.int64(let values), .date):
      let days = try narrow(values, Int32.self)
      return Column(daysSinceEpoch: (0..<days.count).map { days.value(at: $0, as: Int32.self) })
    case (.int64(let values), .float64): return Column(values.map { $0.map(Double.init) })
    case (.int64(let values), .float32): return Column(values.map { $0.map(Float.init) })
    case (.float64(let values), .float64): return Column(values)
    case (.float64(let values), .float32): return Column(values.map { $0.map(Float.init) })
    case (.float32(let values), .float32): return Column(values)
    case (.float32(let values), .float64): return Column(values.map { $0.map(Double.init) })
    case (.float32(let values), .float16):
      return Column(float16Bits: values.map { $0.map(HalfPrecision.bits(from:)) })
    case (.float64(let values), .float16):
      return Column(float16Bits: values.map { $0.map { HalfPrecision.bits(from: Float($0)) } })
    case (.string(let values), .utf8): return Column(values)
    case (.binary(let values), .binary): return Column(binary: values)
    case (
      .vector(let element, let dimension, let bytes),
      .fixedSizeList(let tableElement, let tableDimension)
    ):
      guard dimension == tableDimension else {
        throw CLIError(
          .badData,
          "\(context) has dimension \(dimension), but the table's column has \(tableDimension)")
      }
      let target = exchangeElement(tableElement)
      let converted = try VectorConversion.convert(
        bytes, from: element, to: target, context: "\(context) holds \(target.rawValue) vectors")
      return Column(
        dataType: type, count: converted.count / (dimension * target.byteWidth), values: converted,
        validity: nil)
    case (.bool, _): throw mismatch("booleans")
    case (.int64, _): throw mismatch("integers")
    case (.float32, _), (.float64, _): throw mismatch("numbers")
    case (.string, _): throw mismatch("strings")
    case (.binary, _): throw mismatch("binary values")
    case (.vector(let element, let dimension, _), _):
      throw mismatch("\(element.rawValue) vectors of dimension \(dimension)")
    }
  }
}
