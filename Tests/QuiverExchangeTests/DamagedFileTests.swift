import Foundation
import QuiverKernels
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// Randomly damaged fixtures never crash a reader: each either reads or fails with an
/// `ExchangeError` (every length and offset from the file is checked before use).
@Suite struct DamagedFileTests {
  @Test(arguments: [
    "types-none.parquet", "types-zstd.parquet", "page-v2.parquet", "delta-split.parquet",
    "list-vector.parquet", "types.arrow", "types.arrows", "types-zstd.arrow",
  ])
  func randomDamageFailsCleanly(name: String) throws {
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ExchangeFixtures.path(name))))
    let folder = try TestPaths.temporaryDirectory("quiver-damaged")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent(name).path
    var random = SeededGenerator(seed: UInt64(name.utf8.count))
    var failures = 0
    for _ in 0..<200 {
      var bytes = original
      for _ in 0..<Int(random.next() % 4 + 1) {
        let position = Int(random.next() % UInt64(bytes.count))
        bytes[position] = UInt8(truncatingIfNeeded: random.next())
      }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      do {
        if name.hasSuffix(".parquet") {
          var reader = try ParquetReader(path: path)
          while try reader.nextBatch() != nil {}
        } else {
          var reader = try ArrowReader(path: path)
          while try reader.nextBatch() != nil {}
        }
      } catch let error as ExchangeError {
        failures += 1
        #expect(error.message.hasPrefix(path), "\(error)")
        #expect(!error.message.contains("\n"))
      }
    }
    #expect(failures > 0)
  }
}
