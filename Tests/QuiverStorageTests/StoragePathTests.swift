import Testing

@testable import QuiverStorage

@Suite struct StoragePathTests {
  @Test func parsesRelativePaths() throws {
    let path = try StoragePath("data/0f3c.qvf")
    #expect(path.components == ["data", "0f3c.qvf"])
    #expect(path.description == "data/0f3c.qvf")
    #expect(path.lastComponent == "0f3c.qvf")
    #expect(path.parent == (try StoragePath("data")))
    #expect(path.relative(to: try StoragePath("data")) == (try StoragePath("0f3c.qvf")))
    #expect(path.relative(to: try StoragePath("_versions")) == nil)
  }

  @Test(arguments: [
    "", "/etc/passwd", "../../other/secret.quiver/data/X.qvf", "data/../x", "data//x", "./x",
    "data/", "a\u{0}b",
  ])
  func rejectsHostileText(_ text: String) {
    #expect {
      try StoragePath(text)
    } throws: { error in
      (error as? StorageError)?.code == .invalidPath
    }
  }

  @Test(arguments: ["../../../dir", "a/b", "..", ".", ""])
  func singleNamesRejectSeparatorsAndDots(_ text: String) {
    #expect {
      try StoragePath.name(text)
    } throws: { error in
      (error as? StorageError)?.code == .invalidPath
    }
  }
}
