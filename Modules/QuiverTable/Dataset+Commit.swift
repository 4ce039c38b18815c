import Foundation
import QuiverStorage

extension Dataset {
  /// Commits through `CommitEngine` on top of this snapshot; the caller moves to the result.
  package func committed(
    intent: CommitOperation, build: (Manifest) throws -> Manifest
  ) throws -> Manifest {
    try CommitEngine.commit(
      layout: layout, base: manifest, intent: intent, maxRetries: options.maxCommitRetries,
      synchronous: options.synchronousCommits
    ) { base in try build(base!) }
  }


  /// Writes a small new object (deletion file, row-id map) at `path`, relative to the table,
  /// durable when commits are synchronous.
  /// - Throws: `TableError.alreadyExists` if something is at `path`, `.ioFailure`.
  func writeNewObject(_ path: String, _ bytes: [UInt8]) throws {
    let objectPath = try TableLayout.path(path, field: "new file")
    try TableError.translatingStorageErrors {
      let writer = try layout.storage(synchronous: options.synchronousCommits)
        .createObject(objectPath)
      try writer.write(bytes)
      do {
        try writer.finish()
      } catch let error as StorageError where error.code == .alreadyExists {
        throw TableError(.alreadyExists, error.message)
      }
    }
  }
}
