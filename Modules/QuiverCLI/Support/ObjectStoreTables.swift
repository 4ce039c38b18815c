import Foundation
import Quiver
import QuiverObjectStore
import QuiverS3
import QuiverStorage
import QuiverTable

/// Tables named by `s3://bucket/prefix/NAME.quiver` on the command line: endpoint, region and
/// keys come from the standard variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`); `QUIVER_S3_CACHE_DIR`, when set, is the folder
/// of the on-disk cache of immutable objects.
enum ObjectStoreTables {
  /// The URI scheme of tables in an object store.
  static let scheme = "s3://"

  /// Whether `text` names a table in an object store rather than a local path.
  static func isRemote(_ text: String) -> Bool { text.hasPrefix(scheme) }

  /// The options of every `s3://` URI of this run.
  static var options: S3DatabaseOptions {
    var options = S3DatabaseOptions()
    if let cache = ProcessInfo.processInfo.environment["QUIVER_S3_CACHE_DIR"], !cache.isEmpty {
      options.storage.cacheDirectory = cache
    }
    return options
  }

  /// The storage of the table at `uri`.
  /// - Throws: `CLIError.usage` for a URI without a bucket or a configuration without keys.
  static func storage(_ uri: String) throws -> S3Storage {
    do {
      let options = Self.options
      let storage = try S3Storage(
        url: uri, configuration: try options.configuration(), options: options.storage)
      clients.append(storage.client)
      return storage
    } catch let error as ObjectStoreError {
      throw CLIError(.usage, "\(uri): \(error.message)")
    } catch let error as StorageError {
      throw CLIError(.usage, error.message)
    }
  }

  /// The database holding the table at `uri` (`s3://bucket/db/NAME.quiver` → `s3://bucket/db`)
  /// and the table's name in it.
  /// - Throws: `CLIError.usage` when the last component is not `NAME.quiver`.
  static func database(of uri: String) throws -> (database: Database, name: String) {
    let trimmed = uri.hasSuffix("/") ? String(uri.dropLast()) : uri
    let folderName = trimmed.split(separator: "/").last.map(String.init) ?? ""
    let suffix = DatabaseFolder.tableSuffix
    guard folderName.hasSuffix(suffix), folderName.count > suffix.count,
      trimmed.count > scheme.count + folderName.count
    else {
      throw CLIError(
        .usage, "\(uri): a table is s3://BUCKET/DATABASE/NAME\(suffix) (or s3://BUCKET/NAME\(suffix))")
    }
    let databaseURI = String(trimmed.dropLast(folderName.count + 1))
    var database = Database(storage: try storage(databaseURI))
    database.readConsistencyInterval = options.readConsistencyInterval
    return (database, String(folderName.dropLast(suffix.count)))
  }

  /// The clients of every storage this run opened.
  private static let clients = ClientList()

  /// Requests sent to object stores by this run so far, by kind (`GET`, `HEAD`, `LIST`, …;
  /// see `S3Client.requestsSentByKind`).
  static var requestsSent: [String: Int] {
    clients.all.reduce(into: [:]) { total, client in
      total.merge(client.requestsSentByKind, uniquingKeysWith: +)
    }
  }
}

/// The S3 clients a run created. `@unchecked Sendable`: `clients` is only touched under `lock`.
private final class ClientList: @unchecked Sendable {
  private let lock = NSLock()
  private var clients: [S3Client] = []

  func append(_ client: S3Client) { lock.withLock { clients.append(client) } }

  var all: [S3Client] { lock.withLock { clients } }
}
