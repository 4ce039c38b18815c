import QuiverFormat

/// Encodes one Quiver column of one row group as a Parquet column chunk: an optional
/// dictionary page, then data pages (v1) of about `dataPageBytes` values each, every page
/// compressed with the writer's codec (parquet-format README "Data Pages").
struct ParquetColumnChunkWriter {
  let leaf: ParquetLeafColumn
  let options: ParquetWriterOptions

  /// The largest dictionary page written, as pyarrow's `dictionary_pagesize_limit`.
  private static let dictionaryByteLimit = 1 << 20

  /// The non-null values of a column at their physical width (byte arrays: bytes + offsets).
  private struct PhysicalValues {
    var bytes: [UInt8]
    var offsets: [Int64]
    var count: Int
    var width: Int?
    /// A column whose bytes already are the physical values (no nulls, no widening), used in
    /// place of `bytes` so large vector columns are not copied.
    var column: Column? = nil

    /// Calls `body` with the fixed-width values' bytes.
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
      if let column { return column.withUnsafeBytes(body) }
      return bytes.withUnsafeBytes(body)
    }
  }

  /// Encodes `column` as a chunk that starts at `fileOffset`, handing its bytes (pages with
  /// their headers) to `write` page by page; returns the chunk's metadata.
  func encode(
    _ column: Column, fileOffset: Int, write: ([UInt8]) throws -> Void
  ) throws -> ParquetColumnChunk {
    let values = physicalValues(column)
    var written = 0
    var uncompressedTotal = 0
    var encodings: [Int32] = [ParquetEncoding.plain.rawValue, ParquetEncoding.rle.rawValue]
    var dictionaryPageOffset: Int64?
    var indices: [UInt32]?
    var indexBitWidth = 1
    if options.dictionary, case .scalar = leaf.shape, leaf.physicalType != .boolean,
      let (dictionary, dictionaryIndices) = buildDictionary(values)
    {
      dictionaryPageOffset = Int64(fileOffset)
      let plain = plainEncoded(dictionary, range: 0..<dictionary.count)
      let compressed = try plain.withUnsafeBytes { try options.compression.compress($0) }
      let header = ParquetPageHeader(
        type: ParquetPageType.dictionaryPage.rawValue, uncompressedSize: Int32(plain.count),
        compressedSize: Int32(compressed.count),
        dictionaryPage: .init(valueCount: Int32(dictionary.count), encoding: ParquetEncoding.plain.rawValue)
      ).serialized()
      try write(header)
      try write(compressed)
      written += header.count + compressed.count
      uncompressedTotal += header.count + plain.count
      indices = dictionaryIndices
      indexBitWidth = max(1, RLEBitPackedHybridEncoder.bitWidth(for: dictionary.count - 1))
      encodings.append(ParquetEncoding.rleDictionary.rawValue)
    }
    let dataPageOffset = Int64(fileOffset + written)
    let rowBytes = max(1, estimatedRowBytes(column, values: values))
    let rowsPerPage = max(1, options.dataPageBytes / rowBytes)
    var slotCount = 0
    var valueStart = 0
    var row = 0
    repeat {
      let rows = row..<min(column.count, row + rowsPerPage)
      let (repetition, definition, valueCount) = levels(column, rows: rows)
      let valueRange = valueStart..<(valueStart + valueCount)
      var body: [UInt8] = []
      if leaf.maxRepetitionLevel > 0 { appendLevels(repetition, maximum: leaf.maxRepetitionLevel, to: &body) }
      if leaf.maxDefinitionLevel > 0 { appendLevels(definition, maximum: leaf.maxDefinitionLevel, to: &body) }
      let encoding: ParquetEncoding
      if let indices {
        body.append(UInt8(indexBitWidth))
        indices.withUnsafeBufferPointer { buffer in
          body += RLEBitPackedHybridEncoder.encode(
            UnsafeBufferPointer(rebasing: buffer[valueRange]), bitWidth: indexBitWidth)
        }
        encoding = .rleDictionary
      } else {
        body += plainEncoded(values, range: valueRange)
        encoding = .plain
      }
      let compressed = try body.withUnsafeBytes { try options.compression.compress($0) }
      let slots = leaf.maxDefinitionLevel > 0 ? definition.count : valueCount
      let header = ParquetPageHeader(
        type: ParquetPageType.dataPage.rawValue, uncompressedSize: Int32(body.count),
        compressedSize: Int32(compressed.count),
        dataPage: .init(
          valueCount: Int32(slots), encoding: encoding.rawValue,
          definitionLevelEncoding: ParquetEncoding.rle.rawValue,
          repetitionLevelEncoding: ParquetEncoding.rle.rawValue)
      ).serialized()
      try write(header)
      try write(compressed)
      written += header.count + compressed.count
      uncompressedTotal += header.count + body.count
      slotCount += slots
      valueStart += valueCount
      row = rows.upperBound
    } while row < column.count
    let chunk = ParquetColumnChunk(
      physicalType: leaf.physicalType, encodings: encodings, path: leaf.path,
      codec: ParquetCodec(options.compression), valueCount: Int64(slotCount),
      totalUncompressedSize: Int64(uncompressedTotal), totalCompressedSize: Int64(written),
      dataPageOffset: dataPageOffset, dictionaryPageOffset: dictionaryPageOffset)
    return chunk
  }

  // MARK: - Values

  private func physicalValues(_ column: Column) -> PhysicalValues {
    if column.dataType.isVariableLength {
      var bytes: [UInt8] = []
      var offsets: [Int64] = [0]
      for row in 0..<column.count where !column.isNull(row) {
        column.withUnsafeBytes(ofRow: row) { bytes.append(contentsOf: $0) }
        offsets.append(Int64(bytes.count))
      }
      return PhysicalValues(bytes: bytes, offsets: offsets, count: offsets.count - 1, width: nil)
    }
    let rowWidth = column.dataType.byteWidth ?? 0
    let elementWidth: Int
    let elementsPerRow: Int
    if case .fixedSizeList(let element, let dimension) = column.dataType {
      elementWidth = element.byteWidth
      elementsPerRow = dimension
    } else {
      elementWidth = rowWidth
      elementsPerRow = 1
    }
    let physicalWidth = leaf.physicalWidth ?? elementWidth
    let signed = column.dataType.isSignedInteger
    var bytes: [UInt8] = []
    var count = 0
    column.withUnsafeBytes { raw in
      let noNulls = !column.hasNulls
      if noNulls && physicalWidth == elementWidth {
        count = column.count * elementsPerRow
        return
      }
      bytes.reserveCapacity(column.count * elementsPerRow * physicalWidth)
      for row in 0..<column.count where noNulls || !column.isNull(row) {
        for element in 0..<elementsPerRow {
          let offset = row * rowWidth + element * elementWidth
          if physicalWidth == elementWidth {
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + elementWidth)]))
          } else {
            // Widening to INT32: sign-extend signed integers, zero-extend unsigned ones.
            var wide: Int32
            switch elementWidth {
            case 1:
              let byte = raw[offset]
              wide = signed ? Int32(Int8(bitPattern: byte)) : Int32(byte)
            default:
              let half = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
              wide = signed ? Int32(Int16(bitPattern: half)) : Int32(half)
            }
            withUnsafeBytes(of: &wide) { bytes.append(contentsOf: $0) }
          }
          count += 1
        }
      }
    }
    let passThrough = !column.hasNulls && physicalWidth == elementWidth
    return PhysicalValues(
      bytes: bytes, offsets: [], count: count, width: physicalWidth,
      column: passThrough ? column : nil)
  }

  private func estimatedRowBytes(_ column: Column, values: PhysicalValues) -> Int {
    guard column.count > 0 else { return 1 }
    guard let width = values.width else {
      return (values.bytes.count + 4 * values.count) / column.count + 1
    }
    return values.count * width / column.count + 1
  }

  /// The PLAIN encoding of values `range`.
  private func plainEncoded(_ values: PhysicalValues, range: Range<Int>) -> [UInt8] {
    guard let width = values.width else {
      var output: [UInt8] = []
      for index in range {
        let lower = Int(values.offsets[index])
        let upper = Int(values.offsets[index + 1])
        var length = UInt32(upper - lower).littleEndian
        withUnsafeBytes(of: &length) { output.append(contentsOf: $0) }
        output.append(contentsOf: values.bytes[lower..<upper])
      }
      return output
    }
    if leaf.physicalType == .boolean {
      var output = [UInt8](repeating: 0, count: (range.count + 7) / 8)
      values.withBytes { bytes in
        for (position, index) in range.enumerated() where bytes[index] != 0 {
          output[position >> 3] |= 1 << UInt8(position & 7)
        }
      }
      return output
    }
    return values.withBytes { Array($0[(range.lowerBound * width)..<(range.upperBound * width)]) }
  }

  /// A dictionary of the distinct values and each value's index, or nil when the dictionary
  /// would pass the size limit or save nothing.
  private func buildDictionary(_ values: PhysicalValues) -> (PhysicalValues, [UInt32])? {
    guard values.count > 0 else { return nil }
    var positions: [[UInt8]: UInt32] = [:]
    var dictionary = PhysicalValues(bytes: [], offsets: [0], count: 0, width: values.width)
    var indices: [UInt32] = []
    indices.reserveCapacity(values.count)
    for index in 0..<values.count {
      let key: [UInt8]
      if let width = values.width {
        key = values.withBytes { Array($0[(index * width)..<((index + 1) * width)]) }
      } else {
        key = Array(values.bytes[Int(values.offsets[index])..<Int(values.offsets[index + 1])])
      }
      if let position = positions[key] {
        indices.append(position)
        continue
      }
      let position = UInt32(dictionary.count)
      positions[key] = position
      dictionary.bytes += key
      dictionary.offsets.append(Int64(dictionary.bytes.count))
      dictionary.count += 1
      indices.append(position)
      if dictionary.bytes.count + 4 * dictionary.count > Self.dictionaryByteLimit { return nil }
    }
    if values.width == nil { return (dictionary, indices) }
    dictionary.offsets = []
    return (dictionary, indices)
  }

  // MARK: - Levels

  /// The repetition and definition levels of `rows` and the number of values they hold.
  private func levels(_ column: Column, rows: Range<Int>) -> ([UInt8], [UInt8], Int) {
    switch leaf.shape {
    case .scalar:
      guard leaf.maxDefinitionLevel > 0 else { return ([], [], rows.count) }
      var definition = [UInt8](repeating: 1, count: rows.count)
      var valueCount = rows.count
      if column.hasNulls {
        for (position, row) in rows.enumerated() where column.isNull(row) {
          definition[position] = 0
          valueCount -= 1
        }
      }
      return ([], definition, valueCount)
    case .list(let listDefinition):
      let dimension = column.dataType.vectorDimension ?? 1
      let maximum = UInt8(leaf.maxDefinitionLevel)
      if !column.hasNulls {
        var repetition = [UInt8](repeating: 1, count: rows.count * dimension)
        for position in 0..<rows.count { repetition[position * dimension] = 0 }
        return (repetition, [UInt8](repeating: maximum, count: rows.count * dimension), rows.count * dimension)
      }
      var repetition: [UInt8] = []
      var definition: [UInt8] = []
      var valueCount = 0
      for row in rows {
        if column.isNull(row) {
          repetition.append(0)
          definition.append(UInt8(listDefinition - 1))
        } else {
          repetition.append(0)
          repetition.append(contentsOf: repeatElement(1, count: dimension - 1))
          definition.append(contentsOf: repeatElement(maximum, count: dimension))
          valueCount += dimension
        }
      }
      return (repetition, definition, valueCount)
    }
  }

  /// Levels as a v1 page holds them: a 4-byte length, then the RLE / bit-packed hybrid runs.
  private func appendLevels(_ levels: [UInt8], maximum: Int, to body: inout [UInt8]) {
    let encoded = levels.withUnsafeBufferPointer {
      RLEBitPackedHybridEncoder.encode($0, bitWidth: RLEBitPackedHybridEncoder.bitWidth(for: maximum))
    }
    var length = UInt32(encoded.count).littleEndian
    withUnsafeBytes(of: &length) { body.append(contentsOf: $0) }
    body += encoded
  }
}
