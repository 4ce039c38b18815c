import QuiverFormat
import QuiverQuery

/// A scan being built: `table.scan().where("price > 10").select(["id"]).limit(5).execute()`.
public struct TableScan: Sendable {
  let table: Table
  /// The scan being built.
  public var query = ScanQuery()

  init(table: Table) { self.table = table }

  private func with(_ change: (inout ScanQuery) -> Void) -> TableScan {
    var copy = self
    change(&copy.query)
    return copy
  }

  /// Keeps rows passing a SQL `WHERE` filter.
  public func `where`(_ filter: String) -> TableScan { with { $0.filter = filter } }
  /// Returns only these columns.
  public func select(_ columns: [String]) -> TableScan { with { $0.columns = columns } }
  /// Returns at most `count` rows.
  public func limit(_ count: Int) -> TableScan { with { $0.limit = count } }
  /// Skips `count` passing rows first.
  public func offset(_ count: Int) -> TableScan { with { $0.offset = count } }
  /// Adds the `_rowid` column.
  public func withRowId() -> TableScan { with { $0.withRowId = true } }

  /// Runs the scan: passing rows in row-id order.
  /// - Throws: `QueryError` for a bad filter, unknown columns, a negative offset or limit.
  public func execute() throws -> RecordBatch {
    try ScanExecutor(source: try table.snapshot().source, filter: query.filter).execute(query)
  }

  /// Runs the scan and decodes each row.
  public func rows<Row: Decodable>(as type: Row.Type) throws -> [Row] {
    try execute().rows(as: type)
  }
}
