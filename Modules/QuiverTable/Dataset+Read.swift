import Foundation
import QuiverFormat
import QuiverStorage

/// Rows of one fragment from `Dataset.scan`, with their row ids.
public struct ScanBatch: Sendable {
  /// The fragment the rows come from.
  public var fragmentID: UInt32
  /// The row id of each row of `batch`.
  public var rowIDs: [UInt64]
  /// The projected columns.
  public var batch: RecordBatch
}

extension Dataset {
  /// Calls `body` with the live rows of the chosen fragments, batch by batch, in fragment and
  /// row order, each with its row ids.
  /// - Parameters:
  ///   - columns: The projection, in the order wanted (nil: every column). A column the
  ///     fragment's files lack (added later) reads as nulls.
  ///   - fragmentIDs: The fragments to read (nil: all, in table order).
  ///   - batchSize: The most rows per batch (batches may be smaller: they end where a data-file
  ///     page ends, and deleted rows are dropped from them).
  ///   - includeDeleted: Whether deleted rows are returned too.
  ///   - body: Called with each batch, in order.
  /// - Throws: `TableError.notFound` (unknown column or fragment), `.corruptDataFile`,
  ///   `.corruptDeletionFile`, and whatever `body` throws.
  public func scan(
    columns: [String]? = nil, fragmentIDs: [UInt32]? = nil, batchSize: Int = 65_536,
    includeDeleted: Bool = false, _ body: (ScanBatch) throws -> Void
  ) throws {
    guard batchSize >= 1 else {
      throw TableError(.invalidArgument, "scan batch size \(batchSize) is below 1")
    }
    let projection = try projectedSchema(columns)
    for fragment in try selectedFragments(fragmentIDs) {
      let deleted =
        includeDeleted ? DeletionVector() : try readers.deletionVector(of: fragment, layout: layout)
      // The first data file holding projected columns is scanned (its batches end at page
      // ends, sharing decoded pages); other files of the fragment, if any, are read over the
      // same row ranges.
      var files: [(file: DataFileRecord, names: [String], reader: DataFileReader)] = []
      for file in fragment.dataFiles {
        let wanted = projection.names.filter(file.columns.contains)
        guard !wanted.isEmpty else { continue }
        files.append((file, wanted, try openReader(file, of: fragment)))
      }
      var scanner = try files.first.map { first in
        try wrapDataFile(fragment, first.file) {
          try first.reader.makeScanner(columns: first.names, batchSize: batchSize)
        }
      }
      var start = 0
      while start < fragment.physicalRowCount {
        var columns = [Column?](repeating: nil, count: projection.count)
        let rows: Range<Int>
        if let first = files.first {
          let part = try wrapDataFile(fragment, first.file) { try scanner!.next() }
          guard let part, part.rowCount >= 1 else {
            throw TableError(
              .corruptDataFile,
              "fragment \(fragment.id): data file '\(first.file.path)' ended before row \(start)")
          }
          rows = start..<(start + part.rowCount)
          for (name, column) in zip(first.names, part.columns) {
            columns[projection.index(of: name)!] = column
          }
          for other in files.dropFirst() {
            let part = try wrapDataFile(fragment, other.file) {
              try other.reader.read(columns: other.names, rows: rows)
            }
            for (name, column) in zip(other.names, part.columns) {
              columns[projection.index(of: name)!] = column
            }
          }
        } else {
          rows = start..<min(fragment.physicalRowCount, start + batchSize)
        }
        start = rows.upperBound
        let filled = zip(projection.fields, columns).map { field, column in
          column ?? Column(nulls: rows.count, of: field.type)
        }
        var batch = try wrapFormat { try RecordBatch(schema: projection, columns: filled) }
        var rowIDs = rows.map { fragment.rowID(offset: $0) }
        if !deleted.isEmpty {
          let keep = (0..<rows.count).filter { !deleted.contains(UInt32(rows.lowerBound + $0)) }
          guard !keep.isEmpty else { continue }
          if keep.count < rows.count {
            batch = try wrapFormat { try batch.take(rows: keep) }
            rowIDs = keep.map { rowIDs[$0] }
          }
        }
        try body(ScanBatch(fragmentID: fragment.id, rowIDs: rowIDs, batch: batch))
      }
    }
  }

  /// All live rows of the chosen columns in one batch, with their row ids (convenience over
  /// `scan`).
  public func readAll(columns: [String]? = nil, fragmentIDs: [UInt32]? = nil) throws -> (
    rowIDs: [UInt64], batch: RecordBatch
  ) {
    let projection = try projectedSchema(columns)
    var batches: [RecordBatch] = []
    var rowIDs: [UInt64] = []
    try scan(columns: columns, fragmentIDs: fragmentIDs) { part in
      batches.append(part.batch)
      rowIDs += part.rowIDs
    }
    return (rowIDs, try wrapFormat { try RecordBatch.concatenate(batches, schema: projection) })
  }

  /// The rows with `rowIDs`, in that order (repeats allowed).
  /// - Throws: `TableError.notFound` for a row id of no fragment, past its end or deleted (unless
  ///   `includeDeleted`), or an unknown column; `.corruptDataFile`.
  public func take(rowIDs: [UInt64], columns: [String]? = nil, includeDeleted: Bool = false)
    throws -> RecordBatch
  {
    let projection = try projectedSchema(columns)
    guard !rowIDs.isEmpty else { return RecordBatch.empty(schema: projection) }
    var positionsByFragment: [UInt32: [Int]] = [:]
    for (position, rowID) in rowIDs.enumerated() {
      positionsByFragment[RowID.fragmentID(rowID), default: []].append(position)
    }
    var parts: [RecordBatch] = []
    var order: [Int] = []  // output position of each row of the concatenated parts
    for (fragmentID, positions) in positionsByFragment.sorted(by: { $0.key < $1.key }) {
      guard let fragment = manifest.fragment(fragmentID) else {
        throw TableError(
          .notFound,
          "row id \(rowIDs[positions[0]]): '\(location)' version \(version) has no fragment \(fragmentID)")
      }
      let deleted = includeDeleted ? DeletionVector() : try readers.deletionVector(of: fragment, layout: layout)
      let offsets = try positions.map { position -> Int in
        let offset = RowID.offset(rowIDs[position])
        guard Int(offset) < fragment.physicalRowCount, !deleted.contains(offset) else {
          throw TableError(
            .notFound,
            "row id \(rowIDs[position]): fragment \(fragmentID) of '\(location)' version \(version) has no live row \(offset)"
          )
        }
        return Int(offset)
      }
      parts.append(try take(fragment, offsets: offsets, projection: projection))
      order += positions
    }
    let combined = try wrapFormat { try RecordBatch.concatenate(parts, schema: projection) }
    var inverse = [Int](repeating: 0, count: rowIDs.count)
    for (row, position) in order.enumerated() { inverse[position] = row }
    return try wrapFormat { try combined.take(rows: inverse) }
  }

  func projectedSchema(_ columns: [String]?) throws -> Schema {
    let schema = try schema()
    guard let columns else { return schema }
    do {
      return try schema.selecting(columns)
    } catch let error as FormatError {
      throw TableError(.notFound, "table '\(location)' version \(version): \(error.message)",
        underlying: error)
    }
  }

  func selectedFragments(_ ids: [UInt32]?) throws -> [FragmentMetadata] {
    guard let ids else { return manifest.fragments }
    return try ids.map { id in
      guard let fragment = manifest.fragment(id) else {
        throw TableError(.notFound, "'\(location)' version \(version) has no fragment \(id)")
      }
      return fragment
    }
  }

  /// Rows at `offsets` of `fragment`, in that order, projected.
  func take(_ fragment: FragmentMetadata, offsets: [Int], projection: Schema) throws
    -> RecordBatch
  {
    try assemble(fragment, rowCount: offsets.count, projection: projection) { reader, names in
      try reader.take(rowOffsets: offsets, columns: names)
    }
  }

  /// Reads each projected column from the data file that holds it (nulls if none does).
  private func assemble(
    _ fragment: FragmentMetadata, rowCount: Int, projection: Schema,
    read: (DataFileReader, [String]) throws -> RecordBatch
  ) throws -> RecordBatch {
    var columns = [Column?](repeating: nil, count: projection.count)
    for file in fragment.dataFiles {
      let wanted = projection.names.filter(file.columns.contains)
      guard !wanted.isEmpty else { continue }
      let reader = try openReader(file, of: fragment)
      let part = try wrapDataFile(fragment, file) { try read(reader, wanted) }
      for (name, column) in zip(wanted, part.columns) {
        columns[projection.index(of: name)!] = column
      }
    }
    let filled = zip(projection.fields, columns).map { field, column in
      column ?? Column(nulls: rowCount, of: field.type)
    }
    return try wrapFormat {
      try RecordBatch(schema: projection, columns: filled, rowCount: rowCount)
    }
  }

  /// The (cached) reader of `file`, checked against the fragment's row count.
  func openReader(_ file: DataFileRecord, of fragment: FragmentMetadata) throws -> DataFileReader {
    try readers.reader(for: file, of: fragment, layout: layout)
  }

  /// Runs `body`, turning a `FormatError` into `TableError.corruptDataFile` naming the file.
  func wrapDataFile<T>(
    _ fragment: FragmentMetadata, _ file: DataFileRecord, _ body: () throws -> T
  ) throws -> T {
    do {
      return try body()
    } catch let error as FormatError {
      throw TableError(
        .corruptDataFile,
        "fragment \(fragment.id): data file '\(layout.location)/\(file.path)': \(error.description)",
        underlying: error)
    }
  }

  func wrapFormat<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as FormatError {
      throw TableError(.corruptDataFile, "table '\(location)' version \(version): \(error.message)",
        underlying: error)
    }
  }
}
