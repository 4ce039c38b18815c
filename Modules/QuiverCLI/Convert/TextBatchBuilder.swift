/// The batch a text reader (CSV, JSON Lines) is filling: one `ColumnBuilder` per field, and the
/// records and input bytes it holds, so that a batch ends at `rowsPerBatch` records or
/// `ExchangeLimits.maximumBufferedBytes` of input, whichever comes first.
struct TextBatchBuilder {
  /// The columns' names and types.
  let fields: [ExchangeField]
  /// One builder per field, in order; the reader appends each record's values to them.
  var columns: [ColumnBuilder]
  private var records = 0
  private var bytes = 0
  private let rowsPerBatch = 8192

  /// An empty batch of `fields`.
  init(fields: [ExchangeField]) {
    self.fields = fields
    columns = fields.map(ColumnBuilder.init)
  }

  /// Whether the batch takes another record.
  var hasRoom: Bool { records < rowsPerBatch && bytes < ExchangeLimits.maximumBufferedBytes }

  /// Counts a record whose values were appended to `columns`: `byteCount` bytes of input.
  mutating func endRecord(byteCount: Int) {
    records += 1
    bytes += byteCount
  }

  /// The batch filled so far, or nil when it holds no record; the builder starts empty again.
  mutating func take() -> ExchangeBatch? {
    guard records > 0 else { return nil }
    records = 0
    bytes = 0
    var taken: [ExchangeColumn] = []
    for position in columns.indices { taken.append(columns[position].take()) }
    return ExchangeBatch(fields: fields, columns: taken)
  }
}
