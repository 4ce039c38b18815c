import Foundation

/// Shared helpers of the fuzz targets.
enum FuzzSupport {
  /// A per-process scratch folder for inputs that must be files.
  static let folder: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("quiver-fuzz-\(getpid())", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  /// Writes `bytes` to `name` in the scratch folder and returns its URL.
  static func file(_ name: String, _ bytes: [UInt8]) -> URL {
    let url = folder.appendingPathComponent(name)
    try? Data(bytes).write(to: url)
    return url
  }

  /// The input as bytes.
  static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
  }
}
