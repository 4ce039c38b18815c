// Random access by row offset (Docs/Format.md "Random access").

extension DataFileReader {
  /// The rows at `rowOffsets` (file-local row offsets, any order, repeats allowed), in that
  /// order, touching only the pages that hold them.
  ///
  /// For plain, uncompressed fixed-width pages (vector columns by default) each row costs one
  /// `pread` of its bytes (plus one byte of validity when the page has nulls); such reads cannot
  /// check the page CRC. With `verifyingChecksums` every touched page is read whole and checked,
  /// as all other pages always are.
  /// - Throws: `.rowOutOfRange` naming the first bad offset, `.columnNotFound`, and the errors of
  ///   `readPage`.
  public func take(
    rowOffsets: [Int], columns: [String]? = nil, verifyingChecksums: Bool = false
  ) throws -> RecordBatch {
    for row in rowOffsets where row < 0 || row >= rowCount {
      throw FormatError(.rowOutOfRange, "row offset \(row) is outside 0..<\(rowCount) of data file '\(path)'")
    }
    let indices = try columnIndices(columns)
    let schema = try Schema(indices.map { self.schema.fields[$0] }, metadata: self.schema.metadata)
    let output = try indices.map { try takeColumn(index: $0, rowOffsets: rowOffsets, verifying: verifyingChecksums) }
    return try RecordBatch(schema: schema, columns: output)
  }

  func takeColumn(index: Int, rowOffsets: [Int], verifying: Bool) throws -> Column {
    let type = schema.fields[index].type
    let columnPages = pages[index]
    // Output positions grouped by page, pages in file order.
    var positionsByPage: [Int: [Int]] = [:]
    for (position, row) in rowOffsets.enumerated() {
      positionsByPage[pageIndex(column: index, row: row), default: []].append(position)
    }
    let orderedPages = positionsByPage.keys.sorted()

    if let width = type.byteWidth, type != .bool {
      var values = [UInt8](repeating: 0, count: rowOffsets.count * width)
      var validity = ValidityBitmap(count: rowOffsets.count)
      var decodedPages: [Int] = []
      try values.withUnsafeMutableBytes { out in
        for pageIndex in orderedPages {
          let page = columnPages[pageIndex]
          let positions = positionsByPage[pageIndex]!
          if !verifying && page.encoding == .plain && page.compression == .none {
            let valuesStart = page.offset + page.validityLength
            guard page.storedLength == page.validityLength + page.rowCount * width else {
              throw FormatError(.corruptFile, "data file '\(path)' page \(pageIndex) of column '\(schema.fields[index].name)': \(page.storedLength) bytes do not hold \(page.rowCount) rows of \(type)")
            }
            var bit: UInt8 = 0
            for position in positions {
              let row = rowOffsets[position] - page.firstRow
              do {
                try file.read(
                  fromAbsoluteOffset: valuesStart + row * width,
                  into: UnsafeMutableRawBufferPointer(rebasing: out[(position * width)..<((position + 1) * width)]))
                if page.nullCount > 0 {
                  try withUnsafeMutableBytes(of: &bit) {
                    try file.read(fromAbsoluteOffset: page.offset + row / 8, into: $0)
                  }
                  if bit & (1 << UInt8(row % 8)) == 0 { validity[position] = false }
                }
              }
            }
          } else {
            decodedPages.append(pageIndex)
          }
        }
        // Pages that must be decoded: a few at a time, on every core.
        var start = 0
        while start < decodedPages.count {
          let chunk = Array(decodedPages[start..<min(decodedPages.count, start + Self.pageBatch)])
          for (pageIndex, decoded) in zip(chunk, try readPages(column: index, chunk)) {
            let page = columnPages[pageIndex]
            decoded.withUnsafeBytes { source in
              for position in positionsByPage[pageIndex]! {
                let row = rowOffsets[position] - page.firstRow
                (out.baseAddress! + position * width).copyMemory(from: source.baseAddress! + row * width, byteCount: width)
                if decoded.isNull(row) { validity[position] = false }
              }
            }
          }
          start += chunk.count
        }
      }
      return Column(dataType: type, count: rowOffsets.count, values: values, validity: validity)
    }

    // Variable-length and bool: gather per page, then put rows back in the requested order.
    var parts: [Column] = []
    var order = [Int](repeating: 0, count: rowOffsets.count)
    var gathered = 0
    var start = 0
    while start < orderedPages.count {
      let chunk = Array(orderedPages[start..<min(orderedPages.count, start + Self.pageBatch)])
      for (pageIndex, decoded) in zip(chunk, try readPages(column: index, chunk)) {
        let page = columnPages[pageIndex]
        let positions = positionsByPage[pageIndex]!
        parts.append(try decoded.take(positions.map { rowOffsets[$0] - page.firstRow }))
        for position in positions {
          order[position] = gathered
          gathered += 1
        }
      }
      start += chunk.count
    }
    return try Column.concatenate(parts, dataType: type).take(order)
  }
}
