/// Writes one vector column as a two-dimensional C-order `.npy` array, byte for byte as
/// `numpy.save` would: the header is written first with a provisional row count and patched
/// when the file is finished (its length does not depend on the count).
struct NumpyWriter: OutputFileWriter {
  let output: OutputFile
  private let columnName: String
  private let requestedElement: VectorElement
  private var header: NumpyHeader

  /// Creates the file (hidden until `finish()`).
  /// - Parameters:
  ///   - columnName: the vector column to write.
  ///   - element: the dtype to write; nil keeps the column's own element type.
  /// - Throws: `CLIError.usage` when `fields` has no vector column `columnName`.
  init(
    path: String, fields: [ExchangeField], columnName: String, element: VectorElement?,
    replacing: Bool
  ) throws {
    guard let field = fields.first(where: { $0.name == columnName }),
      case .vector(let source, let dimension) = field.type
    else {
      throw CLIError(.usage, "\(path): the input has no vector column '\(columnName)'")
    }
    self.columnName = columnName
    requestedElement = element ?? source
    header = NumpyHeader(element: element ?? source, rows: 0, dimension: dimension)
    output = try OutputFile(path: path, replacing: replacing)
    try output.write(header.encoded())
  }

  mutating func write(_ batch: ExchangeBatch) throws {
    guard let position = batch.index(of: columnName),
      case .vector(let element, let dimension, let bytes) = batch.columns[position]
    else {
      throw CLIError(.usage, "\(output.path): the input has no vector column '\(columnName)'")
    }
    let target = requestedElement
    precondition(dimension == header.dimension, "a batch with another dimension")
    let converted = try VectorConversion.convert(
      bytes, from: element, to: target,
      context: "\(output.path): writing \(target.rawValue)")
    try output.write(converted)
    header.rows += batch.rowCount
  }

  mutating func finish() throws {
    try output.overwrite(header.encoded(), at: 0)
    try output.commit()
  }
}
