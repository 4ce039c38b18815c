import Foundation
import QuiverFormat
import QuiverObjectStore
import QuiverTestSupport
import Testing

/// `quiver inspect --verify s3://…` against the run's SeaweedFS server (scripts/s3-server):
/// damage to an object on the server is caught by the checksums, as in a local file.
@Suite(
  .enabled(
    if: ProcessInfo.processInfo.environment["QUIVER_TEST_S3_ENDPOINT"] != nil
      || ProcessInfo.processInfo.environment["CI"] == "true",
    "no S3 test server: run `eval \"$(scripts/s3-server start)\"` first, or scripts/test"))
struct InspectVerifyS3Tests {
  static let environment = ProcessInfo.processInfo.environment
  static let endpoint = environment["QUIVER_TEST_S3_ENDPOINT"] ?? ""
  static let bucket = environment["QUIVER_TEST_S3_BUCKET"] ?? "quiver-test"

  @Test func aByteFlippedInADataFileOnTheServerIsNamedAndFailsTheRun() async throws {
    let prefix = "tests/inspect-\(UUID().uuidString.lowercased())"
    let table = "s3://\(Self.bucket)/\(prefix)/items.quiver"
    let child = ["AWS_ENDPOINT_URL": Self.endpoint]
    let jsonl = convertFixtureURL("table.jsonl").path
    let converted = try runQuiver(["convert", jsonl, table], environment: child)
    try #require(converted.status == 0, "\(converted.standardError)")
    let clean = try runQuiver(["inspect", table, "--verify"], environment: child)
    #expect(clean.status == 0, "\(clean.standardError)")

    let client = S3Client(
      bucket: Self.bucket, configuration: try S3Configuration.fromEnvironment(endpoint: Self.endpoint))
    let dataFiles = try await client.list(prefix: prefix + "/items.quiver/data/")
    let key = try #require(dataFiles.first { $0.key.hasSuffix(".qvf") }?.key)
    var bytes = try await client.get(key)
    // Flip a byte inside the first page (read from a local copy's footer), so only that page's
    // checksum can catch it.
    let scratch = try TestPaths.temporaryDirectory("inspect-s3")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let copy = scratch.appendingPathComponent("copy.qvf")
    try Data(bytes).write(to: copy)
    let page = try #require(try DataFileReader(url: copy).pages.first?.first)
    bytes[page.offset + page.storedLength / 2] ^= 0x5A
    try await client.put(key, bytes)

    let damaged = try runQuiver(["inspect", table, "--verify"], environment: child)
    #expect(damaged.status == 65, "\(damaged.standardError)")
    let name = String(key.split(separator: "/").last ?? "")
    #expect(damaged.standardError.contains(name), "names the object: \(damaged.standardError)")
    #expect(damaged.standardError.contains("s3://\(Self.bucket)/"), "\(damaged.standardError)")
  }
}
