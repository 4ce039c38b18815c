import QuiverFormat
import QuiverIndex
import QuiverQuery
import QuiverStorage
import QuiverTable

/// One version of a table as the query executor reads it: fragments with their deletions
/// (read once, when the snapshot is made), scans and takes through `Dataset`.
struct TableDataSource: QueryDataSource {
  /// Rows per scanned batch (8,192 rows of 384-d float32 vectors are 12 MB).
  static let scanBatchRows = 8192

  let dataset: Dataset
  let schema: Schema
  let fragments: [QueryFragment]
  /// Readers for page statistics (footers only; data is read through `dataset`).
  let readers = DataFileReaderCache()
  /// Float32 vector columns kept in memory for exact scans (shared with the table).
  let vectorCache: VectorColumnCache

  init(dataset: Dataset, vectorCache: VectorColumnCache = VectorColumnCache()) throws {
    self.dataset = dataset
    self.vectorCache = vectorCache
    schema = try dataset.schema()
    fragments = try dataset.fragments.map { fragment in
      let deleted =
        fragment.deletionFile == nil
        ? nil : try dataset.deletionVector(fragmentID: fragment.id).bitmap
      return QueryFragment(
        id: fragment.id, physicalRowCount: fragment.physicalRowCount, deletedRows: deleted)
    }
  }

  func scan(
    _ fragment: QueryFragment, columns: [String],
    _ body: (_ firstOffset: Int, _ batch: RecordBatch) throws -> Void
  ) throws {
    // Deleted rows are kept so that batches stay contiguous; the executor skips them.
    // Batches of a few MB: each is consumed and freed before the next, so scans reuse memory
    // instead of faulting in a fresh buffer the size of the column.
    try dataset.scan(
      columns: columns, fragmentIDs: [fragment.id], batchSize: Self.scanBatchRows,
      includeDeleted: true
    ) { part in
      guard let first = part.rowIDs.first else { return }
      try body(Int(RowID.offset(first)), part.batch)
    }
  }

  /// The page descriptors of the data file holding `column` (Docs/Format.md, page index):
  /// min/max of non-null values and null counts, per page.
  func pageStatistics(_ fragment: QueryFragment, column: String) -> [PageRangeStatistics]? {
    guard let metadata = dataset.manifest.fragment(fragment.id),
      let file = metadata.dataFiles.first(where: { $0.columns.contains(column) }),
      let reader = try? readers.reader(for: file, of: metadata, layout: dataset.layout),
      let pages = try? reader.pages(of: column)
    else { return nil }
    return pages.map { page in
      PageRangeStatistics(
        rows: page.firstRow..<(page.firstRow + page.rowCount),
        statistics: RangeStatistics(
          minimum: page.statistics?.minimum, maximum: page.statistics?.maximum,
          nullCount: page.nullCount, rowCount: page.rowCount))
    }
  }

  /// The budget of `vectorCache`.
  var cachedVectorCapacityBytes: Int { vectorCache.capacityBytes }

  /// The whole float32 vector column of `fragment`, read through the checksum-verifying scan
  /// once and then served from `vectorCache` (keyed by the immutable data file's path).
  func cachedVectors(_ fragment: QueryFragment, column: String) throws -> FloatVectorBlock? {
    guard let field = schema.fields.first(where: { $0.name == column }),
      case .fixedSizeList(.float32, let dimension) = field.type,
      let metadata = dataset.manifest.fragment(fragment.id),
      let file = metadata.dataFiles.first(where: { $0.columns.contains(column) })
    else { return nil }
    return try vectorCache.block(for: "\(file.path)#\(column)") {
      () throws -> FloatVectorBlock? in
      try FloatVectorBlock(rowCount: fragment.physicalRowCount, dimension: dimension) {
        target in
        var written = 0
        var complete = true
        try scan(fragment, columns: [column]) { first, batch in
          let vectors = batch.columns[0]
          guard complete, !vectors.hasNulls, first * dimension == written else {
            complete = false
            return
          }
          vectors.withUnsafeValues(as: Float.self) { source in
            guard source.count > 0 else { return }
            guard written + source.count <= target.count else {
              complete = false
              return
            }
            (target.baseAddress! + written).update(from: source.baseAddress!, count: source.count)
            written += source.count
          }
        }
        return complete && written == target.count
      }
    }
  }

  func take(rowIds: [UInt64], columns: [String]) throws -> RecordBatch {
    // The executor never asks for deleted rows, so the deletion files need not be read again.
    try dataset.take(rowIDs: rowIds, columns: columns, includeDeleted: true)
  }
}
