import ArgumentParser
import Foundation
import QuiverTable

/// `quiver inspect PATH`: look inside a table (versions, schema, fragments, bytes per column,
/// encodings, indexes) or a single data file (its pages), optionally verifying every checksum.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show what a table or a data file holds; --verify checks every byte.",
    discussion: """
      For a table folder: its versions, schema, fragments, live and deleted rows, bytes per \
      column with the compression ratio and encodings, and its indexes. For a data file (.qvf): \
      every page with its offset, sizes, encoding, statistics and checksum, each page read and \
      checked.

      --verify (for a table) reads every byte and checks every checksum; each damaged file or \
      page is named, and the exit status is 65 when anything is damaged.

      Examples:
        quiver inspect db/items.quiver
        quiver inspect db/items.quiver --version 3 --json
        quiver inspect db/items.quiver --verify
        quiver inspect s3://bucket/db/items.quiver --verify
        quiver inspect db/items.quiver/data/5167777c-1151-4179-9618-5d9fa2f881a6.qvf
      """)

  @Argument(help: "A data file or \(TablePath.help).")
  var path: String

  @Option(help: "The table version to inspect (default: the latest).")
  var version: UInt64?

  @Flag(help: "Read every byte and check every checksum.")
  var verify = false

  @OptionGroup var outputOptions: OutputOptions

  func run() throws {
    try reportingErrors(of: "inspect") {
      let path = TablePath.resolve(self.path)
      var isFolder: ObjCBool = false
      let isRemote = ObjectStoreTables.isRemote(path)
      guard isRemote || FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        throw CLIError(.noInput, "\(path): no such table or file")
      }
      let damage: [String]
      if isRemote || isFolder.boolValue {
        let dataset = try TableAccess.open(path, version: version)
        let dataBytes = dataset.fragments.reduce(0) {
          $0 + $1.dataFiles.reduce(0) { $0 + $1.sizeBytes }
        }
        let progress = ProgressReporter(
          "verify", total: Int64(dataBytes), unit: .bytes, quiet: outputOptions.quiet || !verify)
        let report = try TableReport(
          dataset: dataset, path: path, verify: verify, progress: progress.update)
        progress.finish()
        print(outputOptions.json ? report.json().serialized() : report.text())
        damage = report.damage
      } else {
        if version != nil {
          throw CLIError(.usage, "\(path): --version applies to tables, not to a data file")
        }
        // A single file is small enough to check whole: its pages are always verified.
        let report = try DataFileReport(path: path, verify: true)
        print(outputOptions.json ? report.json().serialized() : report.text())
        damage = report.damage
      }
      if !damage.isEmpty {
        let more = damage.count > 1 ? " (and \(damage.count - 1) more problems)" : ""
        throw CLIError(.badData, damage[0] + more)
      }
    }
  }
}
