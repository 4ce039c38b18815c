import Testing

@testable import QuiverStorage

@Suite struct ByteCodingTests {
  @Test func roundTripsLittleEndianValues() throws {
    var writer = ByteWriter()
    writer.write(UInt8(7))
    writer.write(UInt16(0x0102))
    writer.write(UInt32(0x0304_0506))
    writer.write(UInt64.max - 1)
    writer.write(string: "héllo")
    writer.write(map: ["b": "2", "a": "1"])
    writer.pad(toMultipleOf: 8)
    writer.write(floats: [1.5, -2])
    writer.write(words: [42])
    #expect(Array(writer.bytes[1...2]) == [0x02, 0x01])
    try writer.bytes.withUnsafeBytes { (raw) throws in
      var reader = ByteReader(raw, context: "test")
      #expect(try reader.read(UInt8.self) == 7)
      #expect(try reader.read(UInt16.self) == 0x0102)
      #expect(try reader.read(UInt32.self) == 0x0304_0506)
      #expect(try reader.read(UInt64.self) == UInt64.max - 1)
      #expect(try reader.readString() == "héllo")
      #expect(try reader.readMap() == ["a": "1", "b": "2"])
      reader.skip(toMultipleOf: 8)
      #expect(try reader.readFloats(2, "floats") == [1.5, -2])
      #expect(try reader.readWords(1, "words") == [42])
      #expect(reader.remaining == 0)
    }
  }

  @Test func everyLengthIsCheckedAndNamed() throws {
    let bytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0x7F, 1, 2]
    try bytes.withUnsafeBytes { (raw) throws in
      var reader = ByteReader(raw, context: "file 'x' footer")
      let error = #expect(throws: StorageError.self) { try reader.readLengthPrefixed("name") }
      #expect(error?.code == .corruptData)
      #expect(error?.message.contains("file 'x' footer") == true)
      reader.position = 4
      #expect(throws: StorageError.self) { try reader.read(UInt32.self, "row count") }
      #expect(throws: StorageError.self) { try reader.readFloats(Int.max, "floats") }
      #expect(throws: StorageError.self) { try reader.readBytes(-1) }
    }
  }

  @Test func frameRoundTripsAndDetectsDamage() throws {
    let bytes = ChecksummedFrame.encode(magic: "QVXX", version: 3) { writer in
      writer.write(UInt32(99))
    }
    #expect(bytes.count == ChecksummedFrame.overhead + 4)
    let frame = try ChecksummedFrame.decode(bytes, magic: "QVXX", context: "test file")
    #expect(frame.version == 3)
    #expect(Array(bytes[frame.content]) == [99, 0, 0, 0])
    for index in bytes.indices {
      var damaged = bytes
      damaged[index] ^= 0x10
      #expect(throws: StorageError.self) {
        let decoded = try ChecksummedFrame.decode(damaged, magic: "QVXX", context: "test file")
        // A flip in the version is caught by the checksum too.
        _ = decoded
      }
    }
    #expect(throws: StorageError.self) {
      try ChecksummedFrame.decode(Array(bytes.dropLast()), magic: "QVXX", context: "test")
    }
  }

  @Test func rowIDsPutFragmentHighAndOffsetLow() {
    let id = RowID.make(fragmentID: 0xDEAD_BEEF, offset: 7)
    #expect(id == 0xDEAD_BEEF_0000_0007)
    #expect(RowID.fragmentID(id) == 0xDEAD_BEEF)
    #expect(RowID.offset(id) == 7)
  }
}
