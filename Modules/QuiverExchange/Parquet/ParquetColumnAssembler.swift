import QuiverFormat

/// Turns a decoded column chunk (levels and values) into a Quiver column: nulls from
/// definition levels, rows of lists from repetition levels, physical values widened or narrowed
/// to the Quiver type (parquet-format README "Nested Encoding").
enum ParquetColumnAssembler {
  /// The column of `rowCount` rows that `values` hold.
  /// - Parameter dimension: for list columns, the vector dimension every non-null row must have.
  /// - Throws: `ExchangeError.corruptFile` naming `context` when the levels and values do not add
  ///   up; `.unsupportedFeature` for a list that is not a vector of constant length.
  static func column(
    _ values: ParquetLeafValues, of column: ParquetLeafColumn, rowCount: Int, dimension: Int?,
    context: String
  ) throws -> Column {
    switch column.shape {
    case .scalar:
      return try scalar(values, of: column, rowCount: rowCount, context: context)
    case .list(let listDefinition):
      guard let dimension else {
        throw ExchangeError(.unsupportedFeature, "\(context): the vector dimension is unknown")
      }
      return try vectors(
        values, of: column, rowCount: rowCount, dimension: dimension,
        listDefinition: listDefinition, context: context)
    }
  }

  /// The length of the first non-null list in `values`, or nil when every row is null.
  static func firstListLength(
    _ values: ParquetLeafValues, of column: ParquetLeafColumn
  ) -> Int? {
    guard case .list(let listDefinition) = column.shape else { return nil }
    var length: Int?
    for index in 0..<values.slotCount {
      if values.repetitionLevels[index] == 0 {
        if let length { return length }
        if Int(values.definitionLevels[index]) >= listDefinition + 1 {
          length = 1
        } else if Int(values.definitionLevels[index]) == listDefinition {
          return 0
        }
      } else if length != nil {
        length! += 1
      }
    }
    return length
  }

  private static func scalar(
    _ values: ParquetLeafValues, of column: ParquetLeafColumn, rowCount: Int, context: String
  ) throws -> Column {
    guard values.slotCount == rowCount else {
      throw ExchangeError(
        .corruptFile, "\(context): \(values.slotCount) values for a row group of \(rowCount) rows")
    }
    var validity: ValidityBitmap?
    if column.maxDefinitionLevel > 0 {
      let maximum = UInt8(column.maxDefinitionLevel)
      var bitmap = ValidityBitmap(count: rowCount, allValid: false)
      for row in 0..<rowCount where values.definitionLevels[row] == maximum { bitmap[row] = true }
      validity = bitmap
    }
    guard (validity.map { rowCount - $0.nullCount } ?? rowCount) == values.valueCount else {
      throw ExchangeError(
        .corruptFile, "\(context): \(values.valueCount) values for \(rowCount - (validity?.nullCount ?? 0)) non-null rows")
    }
    let type = column.valueType
    guard let outputWidth = type.byteWidth, column.physicalType != .fixedLengthByteArray || type == .float16
    else {
      return variableLength(values, of: column, rowCount: rowCount, validity: validity)
    }
    let inputWidth = column.physicalWidth ?? outputWidth
    guard values.bytes.count == values.valueCount * inputWidth else {
      throw ExchangeError(.corruptFile, "\(context): the values do not fill their width")
    }
    var output = [UInt8](repeating: 0, count: rowCount * outputWidth)
    let timestampScale = timestampScale(of: column)
    output.withUnsafeMutableBytes { output in
      values.bytes.withUnsafeBytes { input in
        var next = 0
        for row in 0..<rowCount where validity?[row] ?? true {
          let source = input.baseAddress! + next * inputWidth
          let target = output.baseAddress! + row * outputWidth
          if column.physicalType == .int96 {
            let nanoseconds = source.loadUnaligned(as: Int64.self)
            let julianDay = Int64(source.loadUnaligned(fromByteOffset: 8, as: Int32.self))
            let micros = (julianDay - 2_440_588) &* 86_400_000_000 &+ nanoseconds / 1_000
            target.storeBytes(of: micros, as: Int64.self)
          } else if let timestampScale {
            let raw = source.loadUnaligned(as: Int64.self)
            let micros =
              timestampScale > 0
              ? raw &* timestampScale : floorDivide(raw, by: -timestampScale)
            target.storeBytes(of: micros, as: Int64.self)
          } else {
            // Little-endian: narrowing keeps the low bytes (INT32 holding int8 … uint16).
            target.copyMemory(from: source, byteCount: min(inputWidth, outputWidth))
          }
          next += 1
        }
      }
    }
    return Column(dataType: type, count: rowCount, values: output, validity: validity)
  }

  /// Microseconds from a timestamp column's unit: a positive factor to multiply by, a negative
  /// divisor, or nil when no rescaling is needed.
  private static func timestampScale(of column: ParquetLeafColumn) -> Int64? {
    guard case .timestamp(let unitsPerSecond, _) = column.logicalType else { return nil }
    switch unitsPerSecond {
    case 1_000: return 1_000
    case 1_000_000_000: return -1_000
    default: return nil
    }
  }

  private static func floorDivide(_ value: Int64, by divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }

  private static func variableLength(
    _ values: ParquetLeafValues, of column: ParquetLeafColumn, rowCount: Int,
    validity: ValidityBitmap?
  ) -> Column {
    var offsets = [Int64](repeating: 0, count: rowCount + 1)
    let fixedWidth = column.physicalType == .fixedLengthByteArray ? column.typeLength : nil
    var next = 0
    for row in 0..<rowCount {
      if validity?[row] ?? true {
        next += 1
        offsets[row + 1] = fixedWidth.map { Int64(next * $0) } ?? values.offsets[next]
      } else {
        offsets[row + 1] = offsets[row]
      }
    }
    return Column(
      dataType: column.valueType, count: rowCount, values: values.bytes, offsets: offsets,
      validity: validity)
  }

  private static func vectors(
    _ values: ParquetLeafValues, of column: ParquetLeafColumn, rowCount: Int, dimension: Int,
    listDefinition: Int, context: String
  ) throws -> Column {
    guard let element = vectorElement(column.valueType) else {
      throw ExchangeError(.unsupportedFeature, "\(context): not a vector element type")
    }
    let inputWidth = column.physicalWidth ?? 4
    let outputWidth = element.byteWidth
    guard values.bytes.count == values.valueCount * inputWidth else {
      throw ExchangeError(.corruptFile, "\(context): the values do not fill their width")
    }
    if inputWidth == outputWidth, values.valueCount == rowCount * dimension,
      values.slotCount == values.valueCount,
      isDenseVectorLayout(values, dimension: dimension, maximum: UInt8(column.maxDefinitionLevel))
    {
      // No nulls and every row exactly `dimension` elements: the values are the column.
      return Column(
        dataType: .fixedSizeList(element, dimension: dimension), count: rowCount,
        values: values.bytes, validity: nil)
    }
    let rowBytes = dimension * outputWidth
    // Every row takes at least one slot, so the output is bounded by what was decoded.
    let (outputBytes, overflow) = rowCount.multipliedReportingOverflow(by: rowBytes)
    guard rowCount <= values.slotCount, !overflow else {
      throw ExchangeError(
        .corruptFile, "\(context): \(values.slotCount) list slots for \(rowCount) rows of dimension \(dimension)")
    }
    // A null row takes one level in the file (a few bits after RLE) and a zeroed vector here.
    try ExpandedBytesLimit.require(
      outputBytes - values.valueCount * outputWidth, "null vectors", context: context)
    var output = [UInt8](repeating: 0, count: outputBytes)
    var validity = ValidityBitmap(count: rowCount)
    let maximum = UInt8(column.maxDefinitionLevel)
    let elementLevel = UInt8(listDefinition + 1)
    var row = -1
    var length = 0
    var rowIsNull = false
    var next = 0
    func finishRow() throws {
      guard row >= 0, !rowIsNull, length != dimension else { return }
      throw ExchangeError(
        .unsupportedFeature,
        "\(context): row \(row) has \(length) elements, not \(dimension); vectors need a constant length")
    }
    try output.withUnsafeMutableBytes { output in
      try values.bytes.withUnsafeBytes { input in
        try values.repetitionLevels.withUnsafeBufferPointer { repetition in
          try values.definitionLevels.withUnsafeBufferPointer { definition in
            for slot in 0..<values.slotCount {
              let level = definition[slot]
              if repetition[slot] == 0 {
                try finishRow()
                row += 1
                guard row < rowCount else {
                  throw ExchangeError(.corruptFile, "\(context): more lists than the row group's \(rowCount) rows")
                }
                length = 0
                rowIsNull = level < UInt8(listDefinition)
                if rowIsNull {
                  validity[row] = false
                  continue
                }
              } else if row < 0 || rowIsNull {
                throw ExchangeError(.corruptFile, "\(context): a list continues before any list started")
              }
              guard level >= elementLevel else { continue }  // An empty list.
              guard level == maximum else {
                throw ExchangeError(
                  .unsupportedFeature, "\(context): row \(row) has a null element; vectors cannot")
              }
              guard length < dimension, next < values.valueCount else {
                throw ExchangeError(
                  .unsupportedFeature,
                  "\(context): row \(row) has more than \(dimension) elements; vectors need a constant length")
              }
              (output.baseAddress! + row * rowBytes + length * outputWidth).copyMemory(
                from: input.baseAddress! + next * inputWidth, byteCount: outputWidth)
              next += 1
              length += 1
            }
          }
        }
      }
    }
    try finishRow()
    guard row + 1 == rowCount else {
      throw ExchangeError(.corruptFile, "\(context): \(row + 1) lists for a row group of \(rowCount) rows")
    }
    return Column(
      dataType: .fixedSizeList(element, dimension: dimension), count: rowCount, values: output,
      validity: validity)
  }

  /// Whether every slot holds a value and a new row starts exactly every `dimension` slots.
  private static func isDenseVectorLayout(
    _ values: ParquetLeafValues, dimension: Int, maximum: UInt8
  ) -> Bool {
    values.definitionLevels.withUnsafeBufferPointer { definition in
      values.repetitionLevels.withUnsafeBufferPointer { repetition in
        guard definition.count == values.slotCount, repetition.count == values.slotCount else {
          return false
        }
        var slot = 0
        while slot < values.slotCount {
          if repetition[slot] != 0 || definition[slot] != maximum { return false }
          for next in (slot + 1)..<(slot + dimension)
          where repetition[next] != 1 || definition[next] != maximum {
            return false
          }
          slot += dimension
        }
        return true
      }
    }
  }

  private static func vectorElement(_ type: DataType) -> VectorElementType? {
    switch type {
    case .float32: .float32
    case .float16: .float16
    case .uint8: .uint8
    default: nil
    }
  }
}
