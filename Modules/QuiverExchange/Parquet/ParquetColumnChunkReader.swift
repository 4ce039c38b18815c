import QuiverFormat
import QuiverStorage

/// Reads one column chunk of one row group: its pages in order (an optional dictionary page,
/// then data pages v1 or v2), decompressed and decoded into levels and values
/// (parquet-format README "Column chunks", "Data Pages").
struct ParquetColumnChunkReader {
  let column: ParquetLeafColumn
  let chunk: ParquetColumnChunk
  /// "FILE: row group G, column 'NAME'", for messages.
  let context: String

  private func corrupt(_ problem: String) -> ExchangeError {
    ExchangeError(.corruptFile, "\(context): \(problem)")
  }

  /// Reads and decodes the chunk from `file`.
  /// - Parameter dataEnd: the offset where the footer starts; chunks lie before it.
  func read(from file: LocalFileReader, dataEnd: Int) throws -> ParquetLeafValues {
    guard chunk.physicalType == column.physicalType else {
      throw corrupt("the chunk's physical type differs from the schema's")
    }
    guard let codec = chunk.codec.codec else {
      throw ExchangeError(
        .unsupportedFeature, "\(context): compression codec \(chunk.codec) is not supported")
    }
    let start = chunk.startOffset
    let length = chunk.totalCompressedSize
    guard start >= 4, length >= 0, start <= Int64(dataEnd), length <= Int64(dataEnd) - start else {
      throw corrupt(
        "the chunk at byte \(start) of \(length) bytes lies outside the file's data (4..<\(dataEnd))")
    }
    let bytes: [UInt8]
    do {
      bytes = try file.read(at: Int(start), count: Int(length))
    } catch let error as StorageError {
      throw ExchangeError(.ioError, "\(context): \(error.message)")
    }
    var values = ParquetLeafValues()
    // Reserve what the footer announces (bounded by what the stored bytes can expand to), so
    // the arrays do not grow by doubling.
    let expectedBytes = min(chunk.totalUncompressedSize, 16 * length)
    if expectedBytes > 0 { values.bytes.reserveCapacity(Int(expectedBytes)) }
    let expectedLevels = min(chunk.valueCount, 8 * max(expectedBytes, 0))
    if expectedLevels > 0 {
      if column.maxDefinitionLevel > 0 { values.definitionLevels.reserveCapacity(Int(expectedLevels)) }
      if column.maxRepetitionLevel > 0 { values.repetitionLevels.reserveCapacity(Int(expectedLevels)) }
    }
    var dictionary: ParquetLeafValues?
    var position = 0
    var pageIndex = 0
    while Int64(values.slotCount) < chunk.valueCount {
      let pageContext = "\(context), page \(pageIndex)"
      guard position < bytes.count else {
        throw ExchangeError(
          .truncatedFile,
          "\(pageContext): the chunk ends after \(values.slotCount) of \(chunk.valueCount) values")
      }
      var headerReader = ThriftCompactReader(bytes, start: position, context: pageContext)
      let header = try ParquetPageHeader.read(&headerReader)
      let bodyStart = headerReader.position
      guard Int(header.compressedSize) <= bytes.count - bodyStart else {
        throw ExchangeError(
          .truncatedFile,
          "\(pageContext): the page of \(header.compressedSize) bytes runs past the chunk's end")
      }
      guard chunk.totalUncompressedSize <= 0
        || Int64(header.uncompressedSize) <= chunk.totalUncompressedSize
      else {
        throw corrupt("page \(pageIndex) claims \(header.uncompressedSize) uncompressed bytes, more than the chunk's \(chunk.totalUncompressedSize)")
      }
      let body = bodyStart..<(bodyStart + Int(header.compressedSize))
      position = body.upperBound
      try bytes.withUnsafeBytes { raw in
        let page = UnsafeRawBufferPointer(rebasing: raw[body])
        switch ParquetPageType(rawValue: header.type) {
        case .dictionaryPage:
          guard let info = header.dictionaryPage else { throw corrupt("page \(pageIndex): no dictionary header") }
          guard dictionary == nil, values.slotCount == 0 else {
            throw corrupt("page \(pageIndex): a second or late dictionary page")
          }
          let data = try codec.decompress(
            page, expectedLength: Int(header.uncompressedSize), context: pageContext)
          dictionary = try decodeDictionary(data, count: Int(info.valueCount), context: pageContext)
        case .dataPage:
          guard let info = header.dataPage else { throw corrupt("page \(pageIndex): no data page header") }
          let data = try codec.decompress(
            page, expectedLength: Int(header.uncompressedSize), context: pageContext)
          try data.withUnsafeBytes { data in
            try decodeDataPageV1(
              data, info: info, dictionary: dictionary, into: &values, context: pageContext)
          }
        case .dataPageV2:
          guard let info = header.dataPageV2 else { throw corrupt("page \(pageIndex): no data page v2 header") }
          try decodeDataPageV2(
            page, info: info, uncompressedSize: Int(header.uncompressedSize), codec: codec,
            dictionary: dictionary, into: &values, context: pageContext)
        case .indexPage:
          break
        case nil:
          throw corrupt("page \(pageIndex) has unknown type \(header.type)")
        }
      }
      pageIndex += 1
    }
    guard Int64(values.slotCount) == chunk.valueCount else {
      throw corrupt("the pages hold \(values.slotCount) values, the footer says \(chunk.valueCount)")
    }
    return values
  }

  // MARK: - Pages

  private func decodeDictionary(_ data: [UInt8], count: Int, context: String) throws
    -> ParquetLeafValues
  {
    guard count >= 0 else { throw ExchangeError(.corruptFile, "\(context): negative dictionary size") }
    var dictionary = ParquetLeafValues()
    try data.withUnsafeBytes { data in
      try appendPlain(data, count: count, into: &dictionary, context: context)
    }
    return dictionary
  }

  private func checkValueCount(_ count: Int32, values: ParquetLeafValues, context: String) throws -> Int {
    guard count >= 0, Int64(count) <= chunk.valueCount - Int64(values.slotCount) else {
      throw ExchangeError(
        .corruptFile,
        "\(context): \(count) values, but only \(chunk.valueCount - Int64(values.slotCount)) remain in the chunk")
    }
    return Int(count)
  }

  private func decodeDataPageV1(
    _ data: UnsafeRawBufferPointer, info: ParquetPageHeader.DataPage,
    dictionary: ParquetLeafValues?, into values: inout ParquetLeafValues, context: String
  ) throws {
    let count = try checkValueCount(info.valueCount, values: values, context: context)
    var position = 0
    func levels(_ maximum: Int, encoding: Int32, into target: inout [UInt8]) throws {
      guard maximum > 0 else { return }
      guard encoding == ParquetEncoding.rle.rawValue else {
        throw ExchangeError(
          .unsupportedFeature, "\(context): level encoding \(encoding) is not supported")
      }
      guard data.count - position >= 4 else { throw ExchangeError(.corruptFile, "\(context): levels are cut off") }
      let length = Int(data.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
      position += 4
      guard data.count - position >= length else {
        throw ExchangeError(.corruptFile, "\(context): levels of \(length) bytes run past the page")
      }
      try appendLevels(
        UnsafeRawBufferPointer(rebasing: data[position..<(position + length)]), count: count,
        maximum: maximum, into: &target, context: context)
      position += length
    }
    try levels(column.maxRepetitionLevel, encoding: info.repetitionLevelEncoding, into: &values.repetitionLevels)
    try levels(column.maxDefinitionLevel, encoding: info.definitionLevelEncoding, into: &values.definitionLevels)
    let nonNull = nonNullCount(values.definitionLevels, lastSlots: count)
    try decodeValues(
      UnsafeRawBufferPointer(rebasing: data[position...]), encoding: info.encoding, count: nonNull,
      dictionary: dictionary, into: &values, context: context)
    values.slotCount += count
  }

  private func decodeDataPageV2(
    _ page: UnsafeRawBufferPointer, info: ParquetPageHeader.DataPageV2, uncompressedSize: Int,
    codec: CompressionCodec, dictionary: ParquetLeafValues?, into values: inout ParquetLeafValues,
    context: String
  ) throws {
    let count = try checkValueCount(info.valueCount, values: values, context: context)
    let repetitionLength = Int(info.repetitionLevelsByteLength)
    let definitionLength = Int(info.definitionLevelsByteLength)
    guard repetitionLength >= 0, definitionLength >= 0,
      repetitionLength + definitionLength <= page.count,
      repetitionLength + definitionLength <= uncompressedSize
    else {
      throw ExchangeError(.corruptFile, "\(context): level lengths exceed the page")
    }
    if column.maxRepetitionLevel > 0 {
      try appendLevels(
        UnsafeRawBufferPointer(rebasing: page[0..<repetitionLength]), count: count,
        maximum: column.maxRepetitionLevel, into: &values.repetitionLevels, context: context)
    }
    if column.maxDefinitionLevel > 0 {
      try appendLevels(
        UnsafeRawBufferPointer(
          rebasing: page[repetitionLength..<(repetitionLength + definitionLength)]),
        count: count, maximum: column.maxDefinitionLevel, into: &values.definitionLevels,
        context: context)
    }
    let nonNull = nonNullCount(values.definitionLevels, lastSlots: count)
    let stored = UnsafeRawBufferPointer(rebasing: page[(repetitionLength + definitionLength)...])
    let valueLength = uncompressedSize - repetitionLength - definitionLength
    if info.isCompressed, codec != .uncompressed {
      let data = try codec.decompress(stored, expectedLength: valueLength, context: context)
      try data.withUnsafeBytes { data in
        try decodeValues(
          data, encoding: info.encoding, count: nonNull, dictionary: dictionary, into: &values,
          context: context)
      }
    } else {
      try decodeValues(
        stored, encoding: info.encoding, count: nonNull, dictionary: dictionary, into: &values,
        context: context)
    }
    values.slotCount += count
  }

  private func appendLevels(
    _ data: UnsafeRawBufferPointer, count: Int, maximum: Int, into target: inout [UInt8],
    context: String
  ) throws {
    var decoder = try RLEBitPackedHybridDecoder(
      data, bitWidth: RLEBitPackedHybridEncoder.bitWidth(for: maximum), context: context)
    let start = target.count
    target.append(contentsOf: repeatElement(0, count: count))
    try target.withUnsafeMutableBufferPointer { buffer in
      try decoder.decode(
        count: count, maximum: UInt32(maximum),
        into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
    }
  }

  /// The number of slots among the last `lastSlots` definition levels that hold a value.
  private func nonNullCount(_ definitionLevels: [UInt8], lastSlots: Int) -> Int {
    guard column.maxDefinitionLevel > 0 else { return lastSlots }
    let maximum = UInt8(column.maxDefinitionLevel)
    var count = 0
    definitionLevels.withUnsafeBufferPointer { levels in
      for index in (levels.count - lastSlots)..<levels.count where levels[index] == maximum {
        count += 1
      }
    }
    return count
  }

  // MARK: - Values

  private func decodeValues(
    _ data: UnsafeRawBufferPointer, encoding: Int32, count: Int, dictionary: ParquetLeafValues?,
    into values: inout ParquetLeafValues, context: String
  ) throws {
    switch ParquetEncoding(rawValue: encoding) {
    case .plain:
      try appendPlain(data, count: count, into: &values, context: context)
    case .plainDictionary, .rleDictionary:
      guard let dictionary else {
        throw ExchangeError(.corruptFile, "\(context): dictionary-encoded page without a dictionary page")
      }
      try appendDictionaryIndexed(data, count: count, dictionary: dictionary, into: &values, context: context)
    case .deltaBinaryPacked:
      guard column.physicalType == .int32 || column.physicalType == .int64 else {
        throw ExchangeError(.corruptFile, "\(context): DELTA_BINARY_PACKED on a non-integer column")
      }
      let decoded = try DeltaBinaryPackedDecoder.decode(data, count: count, context: context)
      if column.physicalType == .int32 {
        for value in decoded {
          withUnsafeBytes(of: Int32(truncatingIfNeeded: value).littleEndian) { values.bytes.append(contentsOf: $0) }
        }
      } else {
        decoded.withUnsafeBytes { values.bytes.append(contentsOf: $0) }
      }
      values.valueCount += count
    case .byteStreamSplit:
      guard let width = column.physicalWidth, column.physicalType != .boolean else {
        throw ExchangeError(.corruptFile, "\(context): BYTE_STREAM_SPLIT on a variable-length column")
      }
      guard data.count >= count * width else {
        throw ExchangeError(.corruptFile, "\(context): \(count) split values need \(count * width) bytes, the page has \(data.count)")
      }
      let start = values.bytes.count
      values.bytes.append(contentsOf: repeatElement(0, count: count * width))
      values.bytes.withUnsafeMutableBufferPointer { output in
        for stream in 0..<width {
          let base = stream * count
          for index in 0..<count { output[start + index * width + stream] = data[base + index] }
        }
      }
      values.valueCount += count
    case .rle:
      guard column.physicalType == .boolean else {
        throw ExchangeError(.unsupportedFeature, "\(context): RLE values on a non-boolean column")
      }
      guard data.count >= 4 else { throw ExchangeError(.corruptFile, "\(context): RLE booleans are cut off") }
      let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
      guard data.count - 4 >= length else {
        throw ExchangeError(.corruptFile, "\(context): RLE booleans of \(length) bytes run past the page")
      }
      var decoder = try RLEBitPackedHybridDecoder(
        UnsafeRawBufferPointer(rebasing: data[4..<(4 + length)]), bitWidth: 1, context: context)
      let start = values.bytes.count
      values.bytes.append(contentsOf: repeatElement(0, count: count))
      try values.bytes.withUnsafeMutableBufferPointer { output in
        try decoder.decode(count: count, maximum: 1, into: UnsafeMutableBufferPointer(rebasing: output[start...]))
      }
      values.valueCount += count
    default:
      throw ExchangeError(.unsupportedFeature, "\(context): value encoding \(encoding) is not supported")
    }
  }

  private func appendPlain(
    _ data: UnsafeRawBufferPointer, count: Int, into values: inout ParquetLeafValues,
    context: String
  ) throws {
    switch column.physicalType {
    case .byteArray:
      _ = try values.appendPlainByteArrays(data, count: count, context: context)
    case .boolean:
      guard data.count * 8 >= count else {
        throw ExchangeError(.corruptFile, "\(context): \(count) booleans need \((count + 7) / 8) bytes, the page has \(data.count)")
      }
      values.bytes.reserveCapacity(values.bytes.count + count)
      for index in 0..<count {
        values.bytes.append((data[index >> 3] >> UInt8(index & 7)) & 1)
      }
      values.valueCount += count
    default:
      let width = column.physicalWidth ?? 0
      guard width > 0 || count == 0 else {
        throw ExchangeError(.corruptFile, "\(context): values of width 0")
      }
      guard data.count / max(width, 1) >= count else {
        throw ExchangeError(.corruptFile, "\(context): \(count) values need \(count * width) bytes, the page has \(data.count)")
      }
      values.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[0..<(count * width)]))
      values.valueCount += count
    }
  }

  private func appendDictionaryIndexed(
    _ data: UnsafeRawBufferPointer, count: Int, dictionary: ParquetLeafValues,
    into values: inout ParquetLeafValues, context: String
  ) throws {
    guard count > 0 else { return }
    guard dictionary.valueCount > 0 else {
      throw ExchangeError(.corruptFile, "\(context): indices into an empty dictionary")
    }
    guard let bitWidth = data.first else { throw ExchangeError(.corruptFile, "\(context): no index bit width") }
    var decoder = try RLEBitPackedHybridDecoder(
      UnsafeRawBufferPointer(rebasing: data[1...]), bitWidth: Int(bitWidth), context: context)
    var indices = [UInt32](repeating: 0, count: count)
    try indices.withUnsafeMutableBufferPointer { buffer in
      try decoder.decode(count: count, maximum: UInt32(dictionary.valueCount - 1), into: buffer)
    }
    if column.physicalType == .byteArray {
      // The indices may repeat a long entry many times: size the output before making it.
      var expanded = values.bytes.count
      for index in indices where expanded <= ExpandedBytesLimit.maximumBytes {
        expanded += Int(dictionary.offsets[Int(index) + 1] - dictionary.offsets[Int(index)])
      }
      try ExpandedBytesLimit.require(expanded, "dictionary values", context: context)
      values.bytes.reserveCapacity(expanded)
      values.offsets.reserveCapacity(values.offsets.count + count)
      for index in indices {
        values.bytes.append(contentsOf: dictionary.byteArray(Int(index)))
        values.offsets.append(Int64(values.bytes.count))
      }
    } else {
      let width = column.physicalWidth ?? 1
      let (added, overflow) = count.multipliedReportingOverflow(by: width)
      let expanded = overflow ? nil : values.bytes.count.addingReportingOverflow(added)
      try ExpandedBytesLimit.require(
        expanded.flatMap { $0.overflow ? nil : $0.partialValue }, "dictionary values",
        context: context)
      let start = values.bytes.count
      values.bytes.append(contentsOf: repeatElement(0, count: count * width))
      values.bytes.withUnsafeMutableBytes { output in
        dictionary.bytes.withUnsafeBytes { source in
          for (position, index) in indices.enumerated() {
            (output.baseAddress! + start + position * width).copyMemory(
              from: source.baseAddress! + Int(index) * width, byteCount: width)
          }
        }
      }
    }
    values.valueCount += count
  }
}
