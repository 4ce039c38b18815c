// Random access by row offset (Docs/Format.md "Random access").

import QuiverKernels

extension DataFileReader {
  /// The rows at `rowOffsets` (file-local row offsets, any order, repeats allowed), in that
  /// order, touching only the pages that hold them. Every byte returned is verified.
  ///
  /// For plain, uncompressed fixed-width pages (vector columns by default) only the ~4 KiB row
  /// groups holding the requested rows are read (one `pread` per run of adjacent groups, plus
  /// the validity bytes when the page has nulls) and checked against the page's row-checksum
  /// table, which is read once per page and cached by the reader. Other pages are read whole,
  /// checked against the page CRC and decoded.
  /// - Throws: `.rowOutOfRange` naming the first bad offset, `.columnNotFound`,
  ///   `.checksumMismatch` naming the file, column, page and row, and the errors of `readPage`.
  public func take(rowOffsets: [Int], columns: [String]? = nil) throws -> RecordBatch {
    for row in rowOffsets where row < 0 || row >= rowCount {
      throw FormatError(.rowOutOfRange, "row offset \(row) is outside 0..<\(rowCount) of data file '\(path)'")
    }
    let indices = try columnIndices(columns)
    let schema = try Schema(indices.map { self.schema.fields[$0] }, metadata: self.schema.metadata)
    try prefetchVerifiedRows(columns: indices, rowOffsets: rowOffsets)
    let output = try indices.map { try takeColumn(index: $0, rowOffsets: rowOffsets) }
    return try RecordBatch(schema: schema, columns: output)
  }

  /// The row-checksum table of a page, read and verified on first use.
  func rowChecksumTable(column: Int, page pageIndex: Int) throws -> [UInt32] {
    try rowChecksumTables.table(column: column, page: pageIndex) {
      let page = pages[column][pageIndex]
      let layout = page.rowChecksums!
      let bytes = try readBytes(at: page.offset + page.bodyLength, count: page.rowChecksumTableLength)
      guard CRC32C.checksum(bytes) == layout.tableChecksum else {
        throw FormatError(
          .checksumMismatch,
          "data file '\(path)' page \(pageIndex) of column '\(schema.fields[column].name)': the row-checksum table does not match its CRC32C")
      }
      return bytes.withUnsafeBytes { raw in
        (0..<layout.groupCount(rows: page.rowCount)).map {
          UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))
        }
      }
    }
  }

  /// Announces to the file the bytes `takeVerifiedRows` reads for these rows of these columns
  /// (row-checksum tables, the row groups of the rows, their validity bytes) in one call, so a
  /// file on object storage fetches them at once instead of one read after another.
  private func prefetchVerifiedRows(columns: [Int], rowOffsets: [Int]) throws {
    var ranges: [Range<Int>] = []
    for column in columns {
      let type = schema.fields[column].type
      guard let width = type.byteWidth, type != .bool else { continue }
      var announcedTables = Set<Int>()
      for row in rowOffsets {
        let pageNumber = self.pageIndex(column: column, row: row)
        let page = pages[column][pageNumber]
        guard let layout = page.rowChecksums else { continue }
        if announcedTables.insert(pageNumber).inserted {
          let table = page.offset + page.bodyLength
          ranges.append(table..<(table + page.rowChecksumTableLength))
        }
        let group = layout.rows(
          ofGroup: (row - page.firstRow) / layout.rowsPerGroup, pageRows: page.rowCount)
        let valuesStart = page.offset + page.validityLength
        ranges.append(
          (valuesStart + group.lowerBound * width)..<(valuesStart + group.upperBound * width))
        if page.nullCount > 0 {
          let bits = RowChecksumLayout.validityBytes(of: group)
          ranges.append((page.offset + bits.lowerBound)..<(page.offset + bits.upperBound))
        }
      }
    }
    guard !ranges.isEmpty else { return }
    try FormatError.translatingStorageErrors { try file.prefetch(ranges: ranges) }
  }

  /// Copies the rows of one page with a row-checksum table into `out`, reading and verifying
  /// only the row groups that hold them.
  /// - Parameter positions: output positions whose rows lie in the page.
  private func takeVerifiedRows(
    column: Int, page pageIndex: Int, rowOffsets: [Int], positions: [Int],
    into out: UnsafeMutableRawBufferPointer, validity: inout ValidityBitmap
  ) throws {
    let page = pages[column][pageIndex]
    let field = schema.fields[column]
    let width = field.type.byteWidth!
    let layout = page.rowChecksums!
    let groupRows = layout.rowsPerGroup
    let where_ = "data file '\(path)' page \(pageIndex) of column '\(field.name)'"
    guard field.nullable || page.nullCount == 0 else {
      throw FormatError(.corruptFile, "\(where_) has nulls in a non-nullable column")
    }
    let table = try rowChecksumTable(column: column, page: pageIndex)
    let valuesStart = page.offset + page.validityLength
    // Positions by row within the page; runs of adjacent groups are read with one pread.
    let sorted = positions.sorted { rowOffsets[$0] < rowOffsets[$1] }
    var values: [UInt8] = []
    var bits: [UInt8] = []
    var first = 0
    while first < sorted.count {
      let firstGroup = (rowOffsets[sorted[first]] - page.firstRow) / groupRows
      var lastGroup = firstGroup
      var end = first + 1
      while end < sorted.count {
        let group = (rowOffsets[sorted[end]] - page.firstRow) / groupRows
        guard group <= lastGroup + 1 else { break }
        lastGroup = group
        end += 1
      }
      let runRows = (firstGroup * groupRows)..<min(page.rowCount, (lastGroup + 1) * groupRows)
      values.removeAll(keepingCapacity: true)
      values.append(contentsOf: repeatElement(0, count: runRows.count * width))
      try values.withUnsafeMutableBytes {
        try readBytes(at: valuesStart + runRows.lowerBound * width, into: $0)
      }
      let runBits = RowChecksumLayout.validityBytes(of: runRows)
      if page.nullCount > 0 {
        bits.removeAll(keepingCapacity: true)
        bits.append(contentsOf: repeatElement(0, count: runBits.count))
        try bits.withUnsafeMutableBytes { try readBytes(at: page.offset + runBits.lowerBound, into: $0) }
      }
      try values.withUnsafeBytes { valueBytes in
        try bits.withUnsafeBytes { bitBytes in
          for group in firstGroup...lastGroup {
            let rows = layout.rows(ofGroup: group, pageRows: page.rowCount)
            let groupValues = UnsafeRawBufferPointer(
              rebasing: valueBytes[((rows.lowerBound - runRows.lowerBound) * width)..<((rows.upperBound - runRows.lowerBound) * width)])
            var groupBits = UnsafeRawBufferPointer(start: nil, count: 0)
            if page.nullCount > 0 {
              let byteRange = RowChecksumLayout.validityBytes(of: rows)
              groupBits = UnsafeRawBufferPointer(
                rebasing: bitBytes[(byteRange.lowerBound - runBits.lowerBound)..<(byteRange.upperBound - runBits.lowerBound)])
            }
            guard RowChecksumLayout.groupChecksum(validity: groupBits, values: groupValues) == table[group] else {
              let requested = sorted[first..<end].map { rowOffsets[$0] }.first { rows.contains($0 - page.firstRow) }!
              throw FormatError(
                .checksumMismatch,
                "\(where_): row \(requested) (rows \(page.firstRow + rows.lowerBound)..<\(page.firstRow + rows.upperBound) of the file) does not match its CRC32C")
            }
          }
          for position in sorted[first..<end] {
            let row = rowOffsets[position] - page.firstRow
            let local = row - runRows.lowerBound
            (out.baseAddress! + position * width).copyMemory(from: valueBytes.baseAddress! + local * width, byteCount: width)
            if page.nullCount > 0 {
              let byte = bitBytes[row / 8 - runBits.lowerBound]
              if byte & (1 << UInt8(row % 8)) == 0 { validity[position] = false }
            }
          }
        }
      }
      first = end
    }
  }

  func takeColumn(index: Int, rowOffsets: [Int]) throws -> Column {
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
          if columnPages[pageIndex].rowChecksums != nil {
            try takeVerifiedRows(
              column: index, page: pageIndex, rowOffsets: rowOffsets, positions: positionsByPage[pageIndex]!,
              into: out, validity: &validity)
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
