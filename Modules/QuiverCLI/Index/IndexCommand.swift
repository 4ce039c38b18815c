import ArgumentParser
import Foundation
import Quiver
import QuiverTable

/// `quiver index TABLE --type … --metric …`: builds a vector index with every parameter of the
/// index types, through the public `Table.createIndex` API.
struct IndexCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "index",
    abstract: "Build a vector index on a table.",
    discussion: """
      Types: IVF_FLAT, IVF_PQ, IVF_SQ, HNSW, IVF_HNSW_SQ, IVF_HNSW_PQ. Metrics: l2, cosine, dot. \
      Parameters left out take the index's measured defaults (Docs/Benchmarks.md). The index \
      is committed as a new table version.

      Examples:
        quiver index db/items.quiver --type IVF_PQ --metric l2 --num-partitions 256 --num-sub-vectors 48
        quiver index db/items.quiver --type IVF_HNSW_SQ --metric cosine --m 20 --ef-construction 300
      """)

  @Argument(help: "The table: \(TablePath.help).")
  var table: String

  @Option(
    help: "The index type: IVF_FLAT, IVF_PQ, IVF_SQ, HNSW, IVF_HNSW_SQ, IVF_HNSW_PQ.",
    transform: { text in
      guard let type = IndexType(rawValue: text.uppercased()) else {
        throw ValidationError(
          "unknown index type '\(text)'; use \(IndexType.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      return type
    })
  var type: IndexType

  @Option(
    help: "The distance metric: l2, cosine or dot.",
    transform: { text in
      guard let metric = DistanceMetric(rawValue: text.lowercased()) else {
        throw ValidationError("unknown metric '\(text)'; use l2, cosine or dot")
      }
      return metric
    })
  var metric: DistanceMetric = .l2

  @Option(help: "The vector column (default: the only vector column).")
  var column: String?

  @Option(help: "The index's name (default: COLUMN_idx).")
  var name: String?

  @Option(help: "IVF partitions (default: from the row count).")
  var numPartitions: Int?

  @Option(help: "PQ sub-vectors; must divide the dimension (default: from the dimension).")
  var numSubVectors: Int?

  @Option(help: "Bits per PQ code: 8 or 4.")
  var numBits = 8

  @Option(name: .customLong("m"), help: "HNSW neighbours per node.")
  var neighbors: Int?

  @Option(help: "HNSW candidate list size while building.")
  var efConstruction: Int?

  @Option(help: "k-means trains on sample-rate × partitions rows.")
  var sampleRate = 256

  @Option(help: "The most k-means iterations.")
  var maxIterations = 50

  @Option(help: "Seed of every random choice.")
  var seed: UInt64 = 42

  @OptionGroup var outputOptions: OutputOptions

  func run() throws {
    try reportingErrors(of: "index") {
      let table = try QuiverTables.open(self.table)
      let schema = try table.schema()
      let vectorColumns = schema.fields.filter(\.type.isVector).map(\.name)
      let column: String
      if let requested = self.column {
        guard vectorColumns.contains(requested) else {
          throw CLIError(
            .usage,
            "\(self.table): '\(requested)' is not a vector column (vector columns: \(vectorColumns.joined(separator: ", ")))"
          )
        }
        column = requested
      } else {
        guard vectorColumns.count == 1 else {
          throw CLIError(
            .usage,
            vectorColumns.isEmpty
              ? "\(self.table): the table has no vector column"
              : "\(self.table): several vector columns (\(vectorColumns.joined(separator: ", "))); choose one with --column"
          )
        }
        column = vectorColumns[0]
      }
      let config = IndexConfig(
        type: type, metric: metric, numPartitions: numPartitions, numSubVectors: numSubVectors,
        numBits: numBits, m: neighbors, efConstruction: efConstruction, sampleRate: sampleRate,
        maxIterations: maxIterations, seed: seed)
      if !outputOptions.quiet {
        StandardError.line(
          "quiver index: building \(type.rawValue) (\(metric.rawValue)) on '\(column)'…")
      }
      let start = MonotonicClock.now()
      try table.createIndex(on: column, config, name: name)
      let seconds = MonotonicClock.seconds(since: start)
      let entry = table.indices.last { $0.column == column }
      let dataset = try Dataset.open(at: URL(fileURLWithPath: self.table))
      let report = entry.map { IndexReport(entry: $0, dataset: dataset) }
      if outputOptions.json {
        print(
          JSONValue.object([
            ("table", .string(self.table)), ("version", .int(table.version)),
            ("build_seconds", .number(seconds)), ("index", report?.json() ?? .null),
          ]).serialized())
      } else {
        print(
          "built \(type.rawValue) (\(metric.rawValue)) on '\(column)' of \(self.table) in "
            + String(format: "%.2f s", seconds) + "; table version \(table.version)")
        if let report { print(report.textLines().joined(separator: "\n")) }
      }
    }
  }
}
