import Foundation
import Quiver
import QuiverStorage
import QuiverTable

/// Turns the `_rowid`s of search results into the ids ground truth uses: the row's position in
/// insertion order (fragments in id order, rows in offset order), or the value of an id column.
struct RowIdentities {
  private var firstPosition: [UInt32: Int64] = [:]
  private var byRowID: [UInt64: Int64]?

  /// Reads the table's fragments (and the id column, when given).
  init(table path: String, idColumn: String?) throws {
    let dataset = try TableAccess.open(path)
    var position: Int64 = 0
    for fragment in dataset.fragments.sorted(by: { $0.id < $1.id }) {
      firstPosition[fragment.id] = position
      position += Int64(fragment.physicalRowCount)
    }
    if let idColumn {
      var map: [UInt64: Int64] = [:]
      try dataset.scan(columns: [idColumn]) { part in
        let column = part.batch.columns[0]
        for (row, rowID) in part.rowIDs.enumerated() {
          let value: Int64?
          switch column.dataType {
          case .int64: value = column.value(at: row, as: Int64.self)
          case .int32: value = column.value(at: row, as: Int32.self).map(Int64.init)
          case .uint32: value = column.value(at: row, as: UInt32.self).map(Int64.init)
          case .uint64:
            value = column.value(at: row, as: UInt64.self).flatMap { Int64(exactly: $0) }
          default:
            throw CLIError(
              .usage,
              "\(path): --id-column '\(idColumn)' must be an integer column, not \(column.dataType)"
            )
          }
          if let value { map[rowID] = value }
        }
      }
      byRowID = map
    }
  }

  /// The ids of a result batch's rows (it must hold `_rowid`).
  func ids(of result: RecordBatch) throws -> [Int64] {
    guard let column = result["_rowid"] else {
      throw CLIError(.failure, "search results lack _rowid")
    }
    return (0..<column.count).map { row in
      let rowID = column.value(at: row, as: UInt64.self) ?? 0
      if let byRowID { return byRowID[rowID] ?? -1 }
      return (firstPosition[RowID.fragmentID(rowID)] ?? -1_000_000_000_000)
        + Int64(RowID.offset(rowID))
    }
  }

  /// The only vector column of the table.
  static func onlyVectorColumn(_ dataset: Dataset) throws -> String {
    let vectors = try dataset.schema().fields.filter(\.type.isVector).map(\.name)
    guard vectors.count == 1 else {
      throw CLIError(
        .usage,
        "\(dataset.url.path): choose the vector column with --column (\(vectors.joined(separator: ", ")))"
      )
    }
    return vectors[0]
  }
}
