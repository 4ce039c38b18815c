import Foundation
import Quiver
import QuiverTestSupport
import Testing

/// Errors say what failed, where it was thrown and what caused it, and read the same through
/// `"\(error)"` and `localizedDescription`.
@Suite struct ErrorTests {
  @Test func localizedDescriptionIsTheDescription() {
    let errors: [any Error & CustomStringConvertible] = [
      FormatError(.columnNotFound, "column 'x' is not in the schema"),
      TableError(.notFound, "no table 'items'"),
      IndexError(.invalidParameter, "numPartitions = 0"),
      QueryError(.syntaxError, at: 7, "expected a value"),
      KernelError(.dimensionMismatch, "2 vs 3"),
    ]
    for error in errors {
      #expect(error.localizedDescription == "\(error)")
      #expect(!error.localizedDescription.contains("could not be completed"))
    }
    #expect("\(TableError(.notFound, "no table 'items'"))" == "notFound: no table 'items'")
  }

  @Test func errorsRecordWhereTheyWereThrownAndWhatCausedThem() {
    let cause = FormatError(.truncatedFile, "data file 'a.qvr' ends at byte 10")
    let line = #line + 1
    let error = TableError(.corruptDataFile, "fragment 3: \(cause.message)", underlying: cause)
    #expect(error.sourceFile == #fileID)
    #expect(error.sourceLine == line)
    #expect((error.underlying as? FormatError) == cause)
    // Equality and hashing look at what failed, not where or why.
    #expect(error == TableError(.corruptDataFile, "fragment 3: \(cause.message)"))
    #expect(Set([error, TableError(.corruptDataFile, "fragment 3: \(cause.message)")]).count == 1)
  }

  @Test func oneNameForInputOutputFailures() {
    #expect(FormatError.Code.ioFailure.rawValue == "ioFailure")
    #expect(TableError.Code.ioFailure.rawValue == "ioFailure")
    #expect(IndexError.Code.ioFailure.rawValue == "ioFailure")
  }

  @Test func aDatabaseUnderARegularFileIsOneReadableLine() throws {
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("plain-file")
    try Data("x".utf8).write(to: file)
    let error = try #require(throws: TableError.self) {
      try Database(url: file.appendingPathComponent("db/inner"))
    }
    #expect(error.code == .ioFailure)
    #expect(!"\(error)".contains("NSCocoaErrorDomain"))
    #expect(!"\(error)".contains("Error Domain"))
    #expect("\(error)".contains("Not a directory"))
    #expect(error.underlying != nil)
  }

  @Test func createIndexThrowsIndexErrors() throws {
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = try Database(url: folder).createTable(
      "items",
      data: RecordBatch(columns: [
        "item": ["a", "b"], "vector": [[1, 2], [3, 4]] as [[Float]],
      ]))
    let notVector = try #require(throws: IndexError.self) {
      try table.createIndex(on: "item", .ivfFlat())
    }
    #expect(notVector.code == .unsupportedColumnType)
    let missing = try #require(throws: IndexError.self) {
      try table.createIndex(on: "nope", .ivfFlat())
    }
    #expect(missing.code == .unknownColumn)
    #expect(missing.message.contains("'nope'"))
  }
}
