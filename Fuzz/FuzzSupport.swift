import Foundation
@testable import QuiverCLI

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

  /// Runs `body` on the input's bytes and returns libFuzzer's 0: an error `body` throws is the
  /// decoder refusing bad input, which is what it should do; only a crash is a finding.
  static func run(
    _ data: UnsafePointer<UInt8>, _ size: Int, _ body: ([UInt8]) throws -> Void
  ) -> CInt {
    _ = try? body(bytes(data, size))
    return 0
  }

  /// Writes the input to `name` in the scratch folder, opens it with the reader of
  /// `quiver convert` for `format`, then reads every batch.
  static func readEveryBatch(
    _ data: UnsafePointer<UInt8>, _ size: Int, name: String, format: ExchangeFormat
  ) -> CInt {
    run(data, size) { bytes in
      var reader = try ExchangeFiles.reader(
        path: file(name, bytes).path, format: format, options: ExchangeFiles.ReadOptions())
      while try reader.nextBatch() != nil {}
    }
  }
}
