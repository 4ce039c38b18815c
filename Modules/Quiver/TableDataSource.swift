import QuiverFormat
import QuiverQuery
import QuiverTable

/// One version of a table as the query executor reads it: fragments with their deletions
/// (read once, when the snapshot is made), scans and takes through `Dataset`.
struct TableDataSource: QueryDataSource {
  let dataset: Dataset
  let schema: Schema
  let fragments: [QueryFragment]

  init(dataset: Dataset) throws {
    self.dataset = dataset
    schema = try dataset.schema()
    fragments = try dataset.fragments.map { fragment in
      var deleted: RowBitmap? = nil
      if fragment.deletionFile != nil {
        let vector = try dataset.deletionVector(fragmentID: fragment.id)
        deleted = RowBitmap(
          capacity: fragment.physicalRowCount, offsets: vector.offsets.lazy.map { Int($0) })
      }
      return QueryFragment(
        id: fragment.id, physicalRowCount: fragment.physicalRowCount, deletedRows: deleted)
    }
  }

  func scan(
    _ fragment: QueryFragment, columns: [String],
    _ body: (_ firstOffset: Int, _ batch: RecordBatch) throws -> Void
  ) throws {
    // Deleted rows are kept so that batches stay contiguous; the executor skips them.
    try dataset.scan(columns: columns, fragmentIDs: [fragment.id], includeDeleted: true) { part in
      guard let first = part.rowIDs.first else { return }
      try body(Int(RowID.offset(first)), part.batch)
    }
  }

  func take(rowIds: [UInt64], columns: [String]) throws -> RecordBatch {
    // The executor never asks for deleted rows, so the deletion files need not be read again.
    try dataset.take(rowIDs: rowIds, columns: columns, includeDeleted: true)
  }
}
