import Foundation
import Quiver
import QuiverObjectStore
import QuiverS3
import QuiverStorage
import QuiverTable
import QuiverTestSupport
import Testing

/// What a table on S3 reports when the server cannot be used, and what checksums catch.
@Suite(.enabled(if: TableBackend.serverIsConfigured, TableBackend.missingServer))
struct S3TableFailureTests {
  /// The object-store error at the bottom of `error`'s chain of underlying errors.
  static func objectStoreError(_ error: any Error) -> ObjectStoreError? {
    var current: (any Error)? = error
    while let error = current {
      if let found = error as? ObjectStoreError { return found }
      // StorageError is no ModuleError (its code carries a value), so it is asked by name.
      current = (error as? StorageError)?.underlying ?? (error as? any ModuleError)?.underlying
    }
    return nil
  }

  /// Opening a table of `uri` with `options` fails with a `TableError` whose object-store
  /// error has `code`; returns that error for further checks.
  static func openingFails(
    _ uri: String, _ options: S3DatabaseOptions, code: ObjectStoreError.Code
  ) throws -> ObjectStoreError? {
    let db = try Database(uri: uri, options: options)
    do {
      _ = try db.openTable("t")
      Issue.record("opening a table of \(uri) succeeded")
      return nil
    } catch {
      #expect(error is TableError)
      let found = Self.objectStoreError(error)
      #expect(found?.code == code, "\(error)")
      return found
    }
  }

  @Test func wrongCredentialsAreAccessDenied() throws {
    var options = TableBackend.options()
    options.credentials = S3Credentials(accessKeyID: "quiver-test", secretAccessKey: "wrong")
    let error = try Self.openingFails(TableBackend.uniqueURI("keys"), options, code: .accessDenied)
    #expect(error?.status == 403)
    #expect(error?.attempts == 1)
  }

  @Test func aMissingBucketIsNamed() throws {
    let uri = "s3://no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))/db"
    let error = try Self.openingFails(uri, TableBackend.options(), code: .noSuchBucket)
    #expect(error?.message.contains("no-such-bucket") == true)
  }

  @Test func anUnreachableEndpointGivesUpWithinTheRetryBudget() throws {
    var options = TableBackend.options(
      retryPolicy: S3RetryPolicy(maximumAttempts: 3, initialDelaySeconds: 0.05, budgetSeconds: 1))
    // A port nothing listens on: connections are refused at once.
    options.endpoint = "http://127.0.0.1:9"
    let start = ContinuousClock.now
    let error = try Self.openingFails(TableBackend.uniqueURI("down"), options, code: .unreachable)
    #expect(error?.attempts == 3)
    #expect(ContinuousClock.now - start < .seconds(5))
  }

  @Test func noCredentialsAtAllIsAnInvalidArgument() throws {
    let options = S3DatabaseOptions(endpoint: TableBackend.endpoint, environment: [:])
    #expect { try Database(uri: TableBackend.uniqueURI("none"), options: options) } throws: {
      ($0 as? TableError)?.code == .invalidArgument
        && Self.objectStoreError($0)?.code == .invalidConfiguration
    }
  }

  @Test func aCorruptedObjectOnTheServerIsCaughtByItsChecksum() throws {
    let uri = TableBackend.uniqueURI("corrupt")
    let db = try Database(uri: uri, options: TableBackend.options())
    let table = try db.createTable("t", data: try TablesOnEveryBackendTests.rows(0..<100, seed: 3))
    try table.add(try TablesOnEveryBackendTests.rows(100..<200, seed: 4))
    // Flip one byte of the second fragment's data file, in place on the server.
    let dataset = try TableBackend.s3.dataset(uri: uri, table: "t")
    let storage = try S3Storage(
      url: "\(uri)/t.quiver", configuration: TableBackend.options().configuration())
    let path = try StoragePath(dataset.fragments[1].dataFiles[0].path)
    var bytes = try storage.read(path)
    bytes[bytes.count / 2] ^= 0xFF
    try storage.delete(path)
    #expect(try storage.putIfAbsent(path, bytes))
    #expect { try db.openTable("t").scan().execute() } throws: {
      ($0 as? TableError)?.code == .corruptDataFile
    }
    // The first version does not use that file and still reads.
    #expect(try db.openTable("t").checkout(version: 1).countRows() == 100)
  }
}
