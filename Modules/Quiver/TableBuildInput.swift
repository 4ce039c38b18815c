import QuiverFormat
import QuiverIndex
import QuiverQuery
import QuiverTable

/// The non-null live vectors of one column of a table version, as an index build reads them:
/// row ids from the fragments and their deletion vectors (a nullable column is scanned once
/// for its nulls), training samples by row id, and the streaming pass fragment by fragment in
/// batches. Never holds more than one batch of vectors.
struct TableBuildInput: IndexBuildInput {
  /// The version read.
  let dataset: Dataset
  /// The vector column.
  let column: String
  /// Floats per vector.
  let dimension: Int
  /// The row id of each position (fragments in table order, rows by offset).
  let rowIDs: [UInt64]

  /// Row ids to read by `take` at once.
  private static let takeChunk = 4_096

  /// The rows of `column` (of `dimension`) in `dataset`; `nullable` says whether the column may
  /// hold nulls, which are left out.
  /// - Throws: `TableError` when the table cannot be read.
  init(dataset: Dataset, column: String, dimension: Int, nullable: Bool) throws {
    self.dataset = dataset
    self.column = column
    self.dimension = dimension
    var ids: [UInt64] = []
    if nullable {
      try dataset.scan(columns: [column]) { part in
        let vectors = part.batch.columns[0]
        for row in 0..<part.batch.rowCount where !vectors.isNull(row) {
          ids.append(part.rowIDs[row])
        }
      }
    } else {
      ids.reserveCapacity(dataset.fragments.reduce(0) { $0 + $1.liveRowCount })
      for fragment in dataset.fragments {
        let deleted = try dataset.deletionVector(fragmentID: fragment.id)
        for offset in 0..<fragment.physicalRowCount where !deleted.contains(UInt32(offset)) {
          ids.append(fragment.rowID(offset: offset))
        }
      }
    }
    rowIDs = ids
  }

  func gather(positions: [Int], into destination: UnsafeMutablePointer<Float>) throws(IndexError) {
    try reading {
      var done = 0
      while done < positions.count {
        let chunk = positions[done..<min(positions.count, done + Self.takeChunk)].map { rowIDs[$0] }
        let batch = try dataset.take(rowIDs: chunk, columns: [column])
        batch.columns[0].withFloatVectors { flat in
          (destination + done * dimension).update(from: flat.baseAddress!, count: flat.count)
        }
        done += chunk.count
      }
    }
  }

  func forEachBatch(
    maxRows: Int, _ body: (Int, UnsafeBufferPointer<Float>) throws(IndexError) -> Void
  ) throws(IndexError) {
    let limit = max(1, maxRows)
    var pending: [Float] = []
    pending.reserveCapacity(limit * dimension)
    var start = 0
    var position = 0
    func flush() throws(IndexError) {
      guard !pending.isEmpty else { return }
      try pending.withUnsafeBufferPointer { (buffer) throws(IndexError) in try body(start, buffer) }
      start = position
      pending.removeAll(keepingCapacity: true)
    }
    try reading {
      try dataset.scan(columns: [column], batchSize: limit) { part in
        let vectors = part.batch.columns[0]
        try vectors.withFloatVectors { flat in
          for row in 0..<part.batch.rowCount where !vectors.isNull(row) {
            guard position < rowIDs.count, part.rowIDs[row] == rowIDs[position] else {
              throw IndexError(
                .invalidArgument,
                "createIndex: column '\(column)' changed while it was read (row id \(part.rowIDs[row]))"
              )
            }
            pending.append(contentsOf: flat[(row * dimension)..<((row + 1) * dimension)])
            position += 1
            if position - start == limit { try flush() }
          }
        }
      }
      try flush()
    }
  }

  /// Runs `body`, passing index errors through and wrapping the table's as `.ioFailure` (with
  /// the table error as `underlying`, which `IndexLoader` throws again as it is).
  private func reading(_ body: () throws -> Void) throws(IndexError) {
    do {
      try body()
    } catch let error as IndexError {
      throw error
    } catch {
      throw IndexError(
        .ioFailure, "createIndex: reading column '\(column)': \(error)", underlying: error)
    }
  }
}
