import QuiverExchange

/// Writes one vector column of each batch as a `.fvecs` / `.bvecs` / `.ivecs` file.
struct VecsWriter: OutputFileWriter {
  let output: OutputFile
  private let format: VecsFormat
  private let columnName: String

  /// Creates the file (hidden until `finish()`).
  /// - Parameters:
  ///   - columnName: the vector column to write.
  ///   - replacing: replace an existing file at `path`.
  init(path: String, format: VecsFormat, columnName: String, replacing: Bool) throws {
    output = try OutputFile(path: path, replacing: replacing)
    self.format = format
    self.columnName = columnName
  }

  mutating func write(_ batch: ExchangeBatch) throws {
    guard let position = batch.index(of: columnName),
      case .vector(let element, let dimension, let bytes) = batch.columns[position]
    else {
      throw CLIError(.usage, "\(output.path): the input has no vector column '\(columnName)'")
    }
    let converted = try VectorConversion.convert(
      bytes, from: element, to: format.element,
      context: "\(output.path): .\(format.rawValue) holds \(format.element.rawValue) values")
    var header = [UInt8](repeating: 0, count: 4)
    let value = UInt32(dimension)
    for index in 0..<4 { header[index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    let rowBytes = dimension * format.element.byteWidth
    try output.writeRows(rowBytes == 0 ? 0 : converted.count / rowBytes) { row, bytes in
      bytes.append(contentsOf: header)
      bytes.append(contentsOf: converted[(row * rowBytes)..<((row + 1) * rowBytes)])
    }
  }
}
