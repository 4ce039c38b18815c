import ArgumentParser
import Foundation
import QuiverTable

/// `quiver cleanup TABLE`: removes the files and folders no version refers to — left by writes
/// that failed or were killed, by dropped indexes, by removed versions — once they are older
/// than a grace period, and reports each one and the bytes freed.
struct CleanupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cleanup",
    abstract: "Remove files and folders no version of a table refers to (failed writes).",
    discussion: """
      Every version is kept unless --keep-versions says otherwise (the latest and tagged \
      versions always stay). A file that no kept version refers to is removed only when it was \
      last modified more than --grace-period seconds ago, because a write in flight creates its \
      files before the version that refers to them. The folder of an index no kept version \
      names goes whole, and folders a killed write left empty go too, by the same rule (a \
      folder's age is its newest file's, or its own when empty). Symbolic links are never \
      followed; manifests and referenced index folders are never touched.

      Examples:
        quiver cleanup db/items.quiver
        quiver cleanup db/items.quiver --grace-period 600 --keep-versions 10 --json
      """)

  @Argument(help: "The table folder (NAME.quiver).")
  var table: String

  @Option(help: "Seconds an unreferenced file must be old before it is removed.")
  var gracePeriod: Int = 3600

  @Option(help: "Also remove all but the newest N versions (default: keep every version).")
  var keepVersions: Int?

  @OptionGroup var outputOptions: OutputOptions

  func validate() throws {
    if gracePeriod < 0 { throw ValidationError("--grace-period must not be negative") }
    if let keepVersions, keepVersions < 1 { throw ValidationError("--keep-versions must be at least 1") }
  }

  func run() throws {
    try reportingErrors(of: "cleanup") {
      let dataset = try TableAccess.open(table)
      let report = try dataset.cleanup(
        keepVersions: keepVersions ?? Int.max, inFlightGracePeriod: TimeInterval(gracePeriod))
      if outputOptions.json {
        let folders = report.removedFolders.map { folder in
          JSONValue.object([("path", .string(folder.path)), ("bytes", .int(folder.bytes))])
        }
        print(
          JSONValue.object([
            ("table", .string(table)),
            ("removed_versions", .array(report.removedVersions.map { .int($0) })),
            ("removed_files", .array(report.removedPaths.map { .string($0) })),
            ("removed_folders", .array(folders)),
            ("freed_bytes", .int(report.removedBytes)),
          ]).serialized())
        return
      }
      let folderBytes = Dictionary(
        report.removedFolders.map { ($0.path, $0.bytes) }, uniquingKeysWith: { first, _ in first })
      for path in report.removedPaths {
        print("removed \(path)" + (folderBytes[path].map { " (folder, \($0) bytes)" } ?? ""))
      }
      for version in report.removedVersions { print("removed version \(version)") }
      print(
        "cleanup of \(table): \(report.removedFiles) files, "
          + "\(report.removedFolders.count) folders, "
          + "\(report.removedVersions.count) versions removed; \(report.removedBytes) bytes freed")
    }
  }
}
