import ArgumentParser
import Foundation
import Quiver

/// `quiver optimize TABLE`: compacts the table, brings its vector indexes up to date without
/// retraining and removes old versions, through the public `Table.optimize` API.
struct OptimizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optimize",
    abstract: "Compact a table, update its indexes with new rows, and remove old versions.",
    discussion: """
      By default all three parts run: fragments smaller than --target-rows-per-fragment or with \
      more than --deleted-fraction of their rows deleted are rewritten; every vector index gets \
      the rows of fragments it does not cover (assigned to its existing partitions, encoded \
      with its existing quantizer, inserted into its existing graphs) and the rows a compaction \
      moved are remapped; versions older than --older-than days are removed (tagged versions \
      and the latest stay). Retraining an index is `quiver index` with the same name. Progress \
      is drawn on a terminal (plain lines otherwise), peak memory printed at the end.

      Examples:
        quiver optimize db/items.quiver
        quiver optimize db/items.quiver --skip-compaction --skip-cleanup
        quiver optimize db/items.quiver --older-than 0 --json
      """)

  @Argument(help: "The table: \(TablePath.help).")
  var table: String

  @Flag(help: "Do not compact fragments.")
  var skipCompaction = false

  @Flag(help: "Do not update the indexes.")
  var skipIndexes = false

  @Flag(help: "Do not remove old versions.")
  var skipCleanup = false

  @Option(help: "Remove versions older than this many days (fractions allowed).")
  var olderThan: Double = OptimizeOptions.defaultVersionAge / 86_400

  @Option(help: "Compaction merges small fragments into fragments of up to this many rows.")
  var targetRowsPerFragment = CompactionOptions().targetRowsPerFragment

  @Option(help: "Compaction rewrites fragments with more than this fraction of rows deleted.")
  var deletedFraction = CompactionOptions().deletedFractionThreshold

  @OptionGroup var outputOptions: OutputOptions

  func validate() throws {
    if olderThan < 0 { throw ValidationError("--older-than must not be negative") }
    if targetRowsPerFragment < 1 {
      throw ValidationError("--target-rows-per-fragment must be at least 1")
    }
    if !(0...1).contains(deletedFraction) {
      throw ValidationError("--deleted-fraction must be between 0 and 1")
    }
  }

  func run() throws {
    try reportingErrors(of: "optimize") {
      let table = try QuiverTables.open(self.table)
      let options = OptimizeOptions(
        updateIndexes: !skipIndexes,
        compaction: skipCompaction
          ? nil
          : CompactionOptions(
            targetRowsPerFragment: targetRowsPerFragment,
            deletedFractionThreshold: deletedFraction),
        removeVersionsOlderThan: skipCleanup ? nil : olderThan * 86_400)
      let start = MonotonicClock.now()
      let report = try IndexProgressDisplay.showing(
        command: "quiver optimize", quiet: outputOptions.quiet
      ) { try table.optimize(options, progress: $0) }
      let seconds = MonotonicClock.seconds(since: start)
      let peakBytes = PeakMemory.bytes()
      if outputOptions.json {
        print(
          json(report, version: table.version, seconds: seconds, peakBytes: peakBytes)
            .serialized())
        return
      }
      for line in textLines(report) { print(line) }
      print(
        "optimized \(self.table) in " + String(format: "%.2f s", seconds)
          + "; table version \(table.version)"
          + "; peak memory \(ByteCount.format(Int64(peakBytes)))")
    }
  }

  /// One line per part that did something, or that it did nothing.
  private func textLines(_ report: OptimizeReport) -> [String] {
    var lines: [String] = []
    if let compaction = report.compaction {
      lines.append(
        "compacted fragments \(compaction.removedFragmentIDs.map(String.init).joined(separator: ", ")) "
          + "into \(compaction.addedFragmentIDs.map(String.init).joined(separator: ", ")) "
          + "(version \(compaction.version))")
    } else if !skipCompaction {
      lines.append("compaction: nothing to rewrite")
    }
    for update in report.indexes {
      lines.append(
        "index '\(update.name)': \(update.addedRows) rows added, \(update.remappedRows) remapped, "
          + "\(update.removedRows) removed (version \(update.version))")
    }
    if report.indexes.isEmpty && !skipIndexes { lines.append("indexes: already up to date") }
    if let cleanup = report.cleanup {
      lines.append(
        "cleanup: \(cleanup.removedVersions.count) versions, \(cleanup.removedFiles) files, "
          + "\(cleanup.removedBytes) bytes removed")
    }
    return lines
  }

  private func json(_ report: OptimizeReport, version: UInt64, seconds: Double, peakBytes: Int)
    -> JSONValue
  {
    let compaction: JSONValue =
      report.compaction.map { compaction in
        .object([
          ("version", .int(compaction.version)),
          ("removed_fragments", .array(compaction.removedFragmentIDs.map { .int($0) })),
          ("added_fragments", .array(compaction.addedFragmentIDs.map { .int($0) })),
        ])
      } ?? .null
    let indexes = report.indexes.map { update -> JSONValue in
      .object([
        ("name", .string(update.name)), ("uuid", .string(update.uuid)),
        ("previous_uuid", .string(update.previousUUID)), ("added_rows", .int(update.addedRows)),
        ("remapped_rows", .int(update.remappedRows)), ("removed_rows", .int(update.removedRows)),
        ("version", .int(update.version)),
      ])
    }
    let cleanup: JSONValue =
      report.cleanup.map { cleanup in
        .object([
          ("removed_versions", .array(cleanup.removedVersions.map { .int($0) })),
          ("removed_files", .int(cleanup.removedFiles)),
          ("removed_bytes", .int(cleanup.removedBytes)),
        ])
      } ?? .null
    return .object([
      ("table", .string(table)), ("version", .int(version)), ("seconds", .number(seconds)),
      ("peak_rss_bytes", .int(peakBytes)), ("compaction", compaction), ("indexes", .array(indexes)), ("cleanup", cleanup),
    ])
  }
}
