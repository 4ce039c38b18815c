// New columns from old ones: slices (shared storage), gathered rows, concatenations.

extension Column {
  /// The rows in `rows`, sharing this column's storage.
  /// - Precondition: `rows` lies within `0..<count`.
  /// - Complexity: O(1).
  public func slice(_ rows: Range<Int>) -> Column {
    precondition(rows.lowerBound >= 0 && rows.upperBound <= count, "Column.slice: \(rows) out of 0..<\(count)")
    return Column(
      dataType: dataType, count: rows.count, values: values, offsets: offsets, validity: validity,
      start: start + rows.lowerBound)
  }

  /// A new column holding the rows at `rows`, in that order (repeats allowed).
  /// - Throws: `FormatError.rowOutOfRange` naming the first row outside `0..<count`.
  /// - Complexity: O(rows.count × row width).
  public func take(_ rows: [Int]) throws -> Column {
    for row in rows where row < 0 || row >= count {
      throw FormatError(.rowOutOfRange, "take: row \(row) is outside 0..<\(count)")
    }
    var newValidity: ValidityBitmap? = nil
    if hasNulls {
      var bitmap = ValidityBitmap(count: rows.count)
      for (index, row) in rows.enumerated() where isNull(row) { bitmap[index] = false }
      newValidity = bitmap
    }
    if let width = dataType.byteWidth {
      var bytes = [UInt8](repeating: 0, count: rows.count * width)
      withUnsafeBytes { source in
        bytes.withUnsafeMutableBytes { target in
          for (index, row) in rows.enumerated() {
            target.baseAddress!.advanced(by: index * width).copyMemory(
              from: source.baseAddress! + row * width, byteCount: width)
          }
        }
      }
      return Column(dataType: dataType, count: rows.count, values: bytes, validity: newValidity)
    }
    var bytes: [UInt8] = []
    var newOffsets: [Int64] = [0]
    newOffsets.reserveCapacity(rows.count + 1)
    for row in rows {
      withUnsafeBytes(ofRow: row) { bytes.append(contentsOf: $0) }
      newOffsets.append(Int64(bytes.count))
    }
    return Column(
      dataType: dataType, count: rows.count, values: bytes, offsets: newOffsets,
      validity: newValidity)
  }

  /// A compact copy that owns only its own rows (useful before keeping a small slice of a large
  /// column alive).
  public func compacted() -> Column {
    if start == 0 && (dataType.byteWidth.map { values.count == count * $0 } ?? (offsets.count == count + 1 && offsets.first == 0 && offsets.last == Int64(values.count))) {
      return self
    }
    return try! take(Array(0..<count))
  }

  /// The rows of `columns` one after another.
  /// - Parameters:
  ///   - dataType: The type when `columns` is empty (otherwise it must match).
  ///   - columns: The columns to join, all of one type.
  /// - Throws: `FormatError.schemaMismatch` when the types differ, `.invalidArgument` when
  ///   `columns` is empty and no type is given.
  public static func concatenate(_ columns: [Column], dataType: DataType? = nil) throws -> Column {
    guard let type = dataType ?? columns.first?.dataType else {
      throw FormatError(.invalidArgument, "concatenate: no columns and no data type")
    }
    for column in columns where column.dataType != type {
      throw FormatError(.schemaMismatch, "concatenate: \(column.dataType) does not match \(type)")
    }
    if columns.count == 1 { return columns[0] }
    let total = columns.reduce(0) { $0 + $1.count }
    var validity: ValidityBitmap? = nil
    if columns.contains(where: \.hasNulls) {
      var bitmap = ValidityBitmap(count: total)
      var base = 0
      for column in columns {
        for row in 0..<column.count where column.isNull(row) { bitmap[base + row] = false }
        base += column.count
      }
      validity = bitmap
    }
    if type.byteWidth != nil {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(total * type.byteWidth!)
      for column in columns { column.withUnsafeBytes { bytes.append(contentsOf: $0) } }
      return Column(dataType: type, count: total, values: bytes, validity: validity)
    }
    var bytes: [UInt8] = []
    var offsets: [Int64] = [0]
    offsets.reserveCapacity(total + 1)
    for column in columns {
      guard column.count > 0 else { continue }
      let first = Int(column.offsets[column.start])
      let last = Int(column.offsets[column.start + column.count])
      let shift = Int64(bytes.count) - Int64(first)
      bytes.append(contentsOf: column.values[first..<last])
      for row in 1...column.count { offsets.append(column.offsets[column.start + row] + shift) }
    }
    return Column(dataType: type, count: total, values: bytes, offsets: offsets, validity: validity)
  }
}
