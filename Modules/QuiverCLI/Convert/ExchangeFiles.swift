import QuiverExchange

/// Opening readers and writers of exchange files by format.
enum ExchangeFiles {
  /// Options that shape how a text or vector file is read.
  struct ReadOptions {
    var vectorColumn: String?
    var dimension: Int?
    var declared: [DeclaredType] = []
    var nested: NestedObjectPolicy = .flatten
    var inferenceRows = 1000
  }

  /// A reader for `path` in `format`.
  static func reader(
    path: String, format: ExchangeFormat, options: ReadOptions
  ) throws -> any ExchangeReader {
    let vectorName = options.vectorColumn ?? "vector"
    switch format {
    case .fvecs, .bvecs, .ivecs:
      return try VecsExchangeReader(
        path: path, format: format.vecs!, columnName: vectorName,
        expectedDimension: options.dimension)
    case .npy:
      return try NumpyReader(
        path: path, columnName: vectorName, expectedDimension: options.dimension)
    case .csv:
      return try CSVReader(
        path: path, declared: options.declared, vectorColumn: options.vectorColumn,
        expectedDimension: options.dimension, inferenceRows: options.inferenceRows)
    case .jsonl:
      return try JSONLinesReader(
        path: path, declared: options.declared, vectorColumn: options.vectorColumn,
        expectedDimension: options.dimension, nested: options.nested,
        inferenceRows: options.inferenceRows)
    case .parquet:
      return try RecordBatchExchangeReader(path: path, open: ParquetReader.init(path:))
    case .arrow, .arrowStream:
      return try RecordBatchExchangeReader(path: path, open: ArrowReader.init(path:))
    }
  }

  /// A writer of `fields` to `path` in `format`; vector-only formats write `vectorColumn` (or the
  /// only vector column).
  static func writer(
    path: String, format: ExchangeFormat, fields: [ExchangeField], vectorColumn: String?,
    replacing: Bool
  ) throws -> any ExchangeWriter {
    if format == .csv || format == .jsonl, let binary = fields.first(where: { $0.type == .binary }) {
      throw CLIError(
        .usage,
        "\(path): column '\(binary.name)' is binary, which \(format == .csv ? "CSV" : "JSON Lines") "
          + "cannot hold; write .parquet or .arrow instead")
    }
    switch format {
    case .csv:
      return try CSVWriter(path: path, fields: fields, replacing: replacing)
    case .jsonl:
      return try JSONLinesWriter(path: path, fields: fields, replacing: replacing)
    case .parquet:
      return try RecordBatchExchangeWriter(path: path, fields: fields) {
        try ParquetWriter(path: path, schema: $0, replacing: replacing)
      }
    case .arrow, .arrowStream:
      return try RecordBatchExchangeWriter(path: path, fields: fields) {
        try ArrowWriter(
          path: path, schema: $0, layout: format == .arrow ? .file : .stream, replacing: replacing)
      }
    case .npy:
      let column = try chooseVectorColumn(fields, requested: vectorColumn, output: path)
      return try NumpyWriter(
        path: path, fields: fields, columnName: column, element: nil, replacing: replacing)
    case .fvecs, .bvecs, .ivecs:
      let column = try chooseVectorColumn(fields, requested: vectorColumn, output: path)
      return try VecsWriter(
        path: path, format: format.vecs!, columnName: column, replacing: replacing)
    }
  }

  /// The vector column a vector-only output holds: `requested`, or the only vector column.
  static func chooseVectorColumn(
    _ fields: [ExchangeField], requested: String?, output: String
  ) throws -> String {
    let vectors = fields.filter(\.type.isVector).map(\.name)
    if let requested {
      guard vectors.contains(requested) else {
        let known = vectors.isEmpty ? "none" : vectors.joined(separator: ", ")
        throw CLIError(
          .usage,
          "\(output): '\(requested)' is not a vector column of the input (vector columns: \(known))"
        )
      }
      return requested
    }
    switch vectors.count {
    case 1: return vectors[0]
    case 0:
      throw CLIError(.usage, "\(output): the input has no vector column to write")
    default:
      throw CLIError(
        .usage,
        "\(output): the input has several vector columns (\(vectors.joined(separator: ", "))); "
          + "choose one with --vector-column")
    }
  }
}
