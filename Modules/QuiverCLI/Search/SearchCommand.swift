import ArgumentParser
import Foundation
import Quiver

/// `quiver search TABLE`: nearest rows to one or many query vectors, through the public
/// `Table.search` API.
struct SearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "Find the rows nearest to query vectors.",
    discussion: """
      The query is --vector 0.1,0.2,... or --query-file F (any format quiver convert reads; \
      every vector in it is a query). Prints the selected columns plus _distance, nearest \
      first; --json prints an array with one entry per query.

      Without --refine-factor, _distance of rows found through an IVF_PQ or IVF_SQ index is the \
      index's approximate distance.

      Examples:
        quiver search db/items.quiver --vector 0.1,0.2,0.3,0.4 --limit 5
        quiver search db/items.quiver --query-file queries.fvecs --limit 10 --nprobes 20 \\
          --refine-factor 10 --where "price > 10" --select item,price --json
        quiver search db/items.quiver --vector ... --explain
      """)

  @Argument(help: "The table: \(TablePath.help).")
  var table: String

  @Option(
    parsing: .unconditional, help: "The query vector: comma-separated numbers (may start with '-')."
  )
  var vector: String?

  @Option(help: "A file of query vectors (.fvecs, .npy, .csv, .jsonl, ...).")
  var queryFile: String?

  @Option(help: "Use at most this many queries of --query-file.")
  var maxQueries: Int?

  @Option(help: "Columns to return, comma-separated (default: all).")
  var select: String?

  @Flag(help: "Add the _rowid column.")
  var withRowId = false

  @Flag(help: "Print the query plan instead of running it (first query).")
  var explain = false

  @OptionGroup var searchOptions: SearchOptions

  @OptionGroup var outputOptions: OutputOptions

  func validate() throws {
    if (vector == nil) == (queryFile == nil) {
      throw ValidationError("give exactly one of --vector and --query-file")
    }
  }

  func run() throws {
    try reportingErrors(of: "search") {
      let table = try QuiverTables.open(self.table)
      let queries: [[Float]]
      if let vector {
        queries = [try QueryVectors.parse(vector)]
      } else {
        queries = try QueryVectors.read(queryFile!, column: nil, limit: maxQueries)
        guard !queries.isEmpty else { throw CLIError(.badData, "\(queryFile!): no query vectors") }
      }
      func configured(_ query: [Float]) -> VectorSearch {
        var search = searchOptions.apply(table.search(query))
        if let select {
          search = search.select(
            select.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
        }
        if withRowId { search = search.withRowId() }
        return search
      }
      if explain {
        print(try configured(queries[0]).explain())
        return
      }
      var results: [(Int, RecordBatch, Double)] = []
      for (position, query) in queries.enumerated() {
        let start = MonotonicClock.now()
        let batch = try configured(query).execute()
        results.append((position, batch, MonotonicClock.seconds(since: start) * 1000))
      }
      if outputOptions.json {
        let entries = try results.map { position, batch, milliseconds in
          JSONValue.object([
            ("query", .int(position)), ("milliseconds", .number(milliseconds)),
            ("results", try ResultPrinter.json(batch, source: self.table)),
          ])
        }
        print(JSONValue.array(entries).serialized())
      } else {
        for (position, batch, milliseconds) in results {
          if queries.count > 1 { print("query \(position):") }
          print(try ResultPrinter.text(batch, source: self.table))
          print(
            "(\(batch.rowCount) \(batch.rowCount == 1 ? "row" : "rows") in "
              + String(format: "%.2f ms", milliseconds) + ")")
          if queries.count > 1, position + 1 < queries.count { print("") }
        }
      }
    }
  }
}
