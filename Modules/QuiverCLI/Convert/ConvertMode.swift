import ArgumentParser

/// How `quiver convert` treats an output that already exists.
enum ConvertMode: String, ExpressibleByArgument, CaseIterable, Sendable {
  /// Fail if the output exists.
  case create
  /// Add the rows to an existing table (tables only).
  case append
  /// Replace the output (a table gets a new version that replaces its data).
  case overwrite
}
