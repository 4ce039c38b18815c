import Foundation
import Quiver
import QuiverS3
import QuiverTestSupport
import Testing

/// `readConsistencyInterval`: whether a table opened from one database handle sees commits made
/// through another.
@Suite struct ReadConsistencyTests {
  @Test(arguments: TableBackend.available)
  func zeroIntervalSeesOtherWritersAndNilKeepsItsVersion(_ backend: TableBackend) throws {
    try backend.withDatabase { writerDatabase, uri in
      let writer = try writerDatabase.createTable(
        "t", data: try TablesOnEveryBackendTests.rows(0..<10, seed: 1))
      var options = TableBackend.options(readConsistencyInterval: .zero)
      if backend == .local { options = S3DatabaseOptions(readConsistencyInterval: .zero) }
      let strict = try Database(uri: uri, options: options).openTable("t")
      options.readConsistencyInterval = nil
      let lazy = try Database(uri: uri, options: options).openTable("t")
      #expect(try strict.countRows() == 10 && lazy.countRows() == 10)
      try writer.add(try TablesOnEveryBackendTests.rows(10..<15, seed: 2))
      #expect(try strict.countRows() == 15)
      #expect(try lazy.countRows() == 10)
      try lazy.checkoutLatest()
      #expect(try lazy.countRows() == 15)
    }
  }
}
