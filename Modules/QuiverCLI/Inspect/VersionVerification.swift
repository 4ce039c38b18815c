import Foundation
import QuiverTable

/// The part of `inspect --verify` that looks past the inspected version: every version still on
/// disk must have a manifest that decodes and validates (Docs/Format.md, "Validation on read"),
/// and each of its data files must have the size and row count that version's manifest records,
/// each of its deletion files must decode with offsets inside its fragment, and each of its
/// indexes must open. Files shared by several versions are read once per distinct expectation.
struct VersionVerification {
  /// The problems found, each naming the version and the file.
  private(set) var problems: [String] = []
  /// Index uuids already verified (by the inspected version's report or an earlier version).
  private var verifiedIndexes: Set<String>
  /// Data files already checked, with the size and row count they were checked against.
  private var checkedDataFiles: Set<String> = []
  private let readers = DataFileReaderCache()

  /// Verifies every version of `dataset`'s table except the index folders in `skippingIndexes`.
  init(dataset: Dataset, skippingIndexes: Set<String>) throws {
    verifiedIndexes = skippingIndexes
    for info in try dataset.versions() {
      if let error = info.error {
        problems.append("version \(info.version): \(error.message)")
        continue
      }
      let snapshot: Dataset
      do {
        snapshot = try Dataset.open(in: dataset.storage, version: info.version)
      } catch let error as TableError {
        problems.append("version \(info.version): \(error.message)")
        continue
      }
      check(snapshot)
    }
  }

  private mutating func check(_ snapshot: Dataset) {
    let version = snapshot.version
    for fragment in snapshot.fragments {
      for file in fragment.dataFiles {
        let key = "\(file.path)|\(file.sizeBytes)|\(fragment.physicalRowCount)"
        guard checkedDataFiles.insert(key).inserted else { continue }
        do {
          _ = try readers.reader(for: file, of: fragment, layout: snapshot.layout)
        } catch let error as TableError {
          problems.append("version \(version): \(error.message)")
        } catch {
          problems.append("version \(version): \(file.path): \(error)")
        }
      }
      if fragment.deletionFile != nil {
        do {
          _ = try snapshot.deletionVector(fragmentID: fragment.id)
        } catch let error as TableError {
          problems.append("version \(version): \(error.message)")
        } catch {
          problems.append("version \(version): fragment \(fragment.id): \(error)")
        }
      }
    }
    for entry in snapshot.indices where verifiedIndexes.insert(entry.uuid).inserted {
      let report = IndexReport(entry: entry, dataset: snapshot)
      problems += report.verify(dataset: snapshot).map { "version \(version): \($0)" }
    }
  }
}
