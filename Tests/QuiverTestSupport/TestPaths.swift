import Foundation

/// Where the tests find checked-in fixtures and the optional shared datasets.
public enum TestPaths {
  /// The package root (the folder holding Package.swift).
  public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `Fixtures/` in the package.
  public static var fixtures: URL { packageRoot.appendingPathComponent("Fixtures") }

  /// `../shared/datasets/NAME` beside the package, or nil when it is not there (tests that need
  /// it skip).
  public static func sharedDataset(_ name: String) -> URL? {
    let url = packageRoot.deletingLastPathComponent()
      .appendingPathComponent("shared/datasets").appendingPathComponent(name)
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// A fresh empty temporary folder; the caller removes it.
  public static func temporaryDirectory(_ label: String = "quiver-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
