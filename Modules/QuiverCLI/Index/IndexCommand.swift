import ArgumentParser
import Foundation
import Quiver
import QuiverTable

/// `quiver index TABLE --type … --metric …`: builds a vector index with every parameter of the
/// index types, through the public `Table.createIndex` API.
struct IndexCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "index",
    abstract: "Build a vector index on a table, or drop one.",
    discussion: """
      Types: IVF_FLAT, IVF_PQ, IVF_SQ, HNSW, IVF_HNSW_SQ, IVF_HNSW_PQ, IVF_RQ. Metrics: l2, cosine, dot. \
      Parameters left out take the index's measured defaults (Docs/Benchmarks.md). The index \
      is committed as a new table version. The build streams the column within --memory-budget \
      (default 1G: batches, rows spilled per partition to temporary files in the index folder, \
      IVF_HNSW partitions sized so one graph build fits); flat HNSW holds every vector and is \
      refused above the budget. Progress is drawn on a terminal, peak memory printed at the \
      end. --drop NAME removes an index (also a damaged one) \
      as a new version; `quiver cleanup` later deletes its files.

      Examples:
        quiver index db/items.quiver --type IVF_PQ --metric l2 --num-partitions 256 --num-sub-vectors 48
        quiver index db/items.quiver --type IVF_HNSW_SQ --metric cosine --m 20 --ef-construction 300
        quiver index db/items.quiver --type IVF_PQ --memory-budget 512M
        quiver index db/items.quiver --drop vector_idx
      """)

  @Argument(help: "The table: \(TablePath.help).")
  var table: String

  @Option(
    help: "The index type: IVF_FLAT, IVF_PQ, IVF_SQ, HNSW, IVF_HNSW_SQ, IVF_HNSW_PQ, IVF_RQ.",
    transform: OptionValue.indexType)
  var type: IndexType?

  @Option(help: "Drop the index of this name instead of building one (a new table version).")
  var drop: String?

  @Option(help: "The distance metric: l2, cosine or dot.", transform: OptionValue.metric)
  var metric: DistanceMetric = .l2

  @Option(help: "The vector column (default: the only vector column).")
  var column: String?

  @Option(help: "The index's name (default: COLUMN_idx).")
  var name: String?

  @OptionGroup var indexParameters: IndexParameterOptions

  @Option(
    help: ArgumentHelp(
      "Memory for the build's buffers and the index caches, e.g. 512M, 2G.",
      valueName: "size"),
    transform: { text in
      guard let budget = MemoryBudget(parsing: text) else {
        throw ValidationError("memory budget '\(text)' is not a size like 512M or 2G")
      }
      return budget
    })
  var memoryBudget: MemoryBudget = .default

  @OptionGroup var outputOptions: OutputOptions

  func validate() throws {
    guard (type == nil) != (drop == nil) else {
      throw ValidationError("give either --type (to build an index) or --drop NAME")
    }
  }

  func run() throws {
    try reportingErrors(of: "index") {
      let table = try QuiverTables.open(self.table, memoryBudget: memoryBudget)
      guard let type else {
        let name = drop ?? ""
        try table.dropIndex(named: name)
        if outputOptions.json {
          print(
            JSONValue.object([
              ("table", .string(self.table)), ("version", .int(table.version)),
              ("dropped", .string(name)),
            ]).serialized())
        } else {
          print("dropped index '\(name)' from \(self.table); table version \(table.version)")
        }
        return
      }
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
      let config = indexParameters.config(type, metric: metric)
      if !outputOptions.quiet {
        StandardError.line(
          "quiver index: building \(type.rawValue) (\(metric.rawValue)) on '\(column)'…")
      }
      let start = MonotonicClock.now()
      try IndexProgressDisplay.showing(command: "quiver index", quiet: outputOptions.quiet) {
        try table.createIndex(on: column, config, name: name, progress: $0)
      }
      let seconds = MonotonicClock.seconds(since: start)
      let peakBytes = PeakMemory.bytes()
      let entry = table.indices.last { $0.column == column }
      let dataset = try TableAccess.open(self.table)
      let report = entry.map { IndexReport(entry: $0, dataset: dataset) }
      if outputOptions.json {
        print(
          JSONValue.object([
            ("table", .string(self.table)), ("version", .int(table.version)),
            ("build_seconds", .number(seconds)), ("peak_rss_bytes", .int(peakBytes)),
            ("memory_budget_bytes", .int(memoryBudget.bytes)), ("index", report?.json() ?? .null),
          ]).serialized())
      } else {
        print(
          "built \(type.rawValue) (\(metric.rawValue)) on '\(column)' of \(self.table) in "
            + String(format: "%.2f s", seconds) + "; table version \(table.version)"
            + "; peak memory \(ByteCount.format(Int64(peakBytes))) (budget \(memoryBudget))")
        if let report { print(report.textLines().joined(separator: "\n")) }
      }
    }
  }
}
