import Foundation

extension Dataset {
  /// Gives `version` the name `tag` (committed as a new version whose manifest lists it).
  /// - Throws: `TableError.alreadyExists` if the tag exists, `.notFound` for an unknown version,
  ///   `.invalidArgument` for an empty name.
  public mutating func tag(_ tag: String, version tagged: UInt64) throws {
    try requireWritable("tag")
    guard !tag.isEmpty else { throw TableError(.invalidArgument, "a tag name is empty") }
    guard try layout.listVersions().contains(tagged) else {
      throw TableError(.notFound, "table '\(location)' has no version \(tagged) to tag '\(tag)'")
    }
    manifest = try committed(intent: CommitOperation(kind: .tag, name: tag)) { base in
      if let existing = base.tags[tag] {
        throw TableError(
          .alreadyExists, "tag '\(tag)' of '\(location)' already names version \(existing)")
      }
      var manifest = base
      manifest.tags[tag] = tagged
      manifest.operation = CommitOperation(kind: .tag, name: tag)
      return manifest
    }
  }

  /// Removes the tag `tag`.
  /// - Throws: `TableError.notFound` for an unknown tag.
  public mutating func deleteTag(_ tag: String) throws {
    try requireWritable("delete a tag")
    manifest = try committed(intent: CommitOperation(kind: .tag, name: tag)) { base in
      guard base.tags[tag] != nil else {
        throw TableError(.notFound, "table '\(location)' has no tag '\(tag)'")
      }
      var manifest = base
      manifest.tags[tag] = nil
      manifest.operation = CommitOperation(kind: .tag, name: tag)
      return manifest
    }
  }
}
