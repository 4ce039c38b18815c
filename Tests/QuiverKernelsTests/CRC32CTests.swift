import QuiverKernels
import QuiverTestSupport
import Testing

@Test func crc32cKnownVectors() {
  // The check value of CRC-32C, and the iSCSI test vectors of RFC 3720 (B.4).
  #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
  #expect(CRC32C.checksum([]) == 0)
  #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
  #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
  #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
  #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
  let check = Array("123456789".utf8)
  #expect(check.withUnsafeBytes { CRC32C.portableChecksum($0) } == 0xE306_9283)
}

@Test func crc32cTableAgreesWithHardwareOverRandomLengthsAndOffsets() {
  var random = SeededGenerator(seed: 31)
  let data = random.bytes(5000)
  data.withUnsafeBytes { all in
    for _ in 0..<300 {
      let start = Int.random(in: 0..<64, using: &random)
      let length = Int.random(in: 0...(all.count - start), using: &random)
      let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
      let seed = UInt32.random(in: 0...UInt32.max, using: &random)
      #expect(
        CRC32C.checksum(slice, continuing: seed)
          == CRC32C.portableChecksum(slice, continuing: seed),
        "start \(start) length \(length)")
    }
  }
  if !CRC32C.usesHardware {
    print("CRC32C: no hardware instruction; compared the table with itself")
  }
}

@Test func crc32cContinuesAcrossChunks() {
  var random = SeededGenerator(seed: 32)
  let data = random.bytes(1000)
  let whole = CRC32C.checksum(data)
  for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
    let first = CRC32C.checksum(Array(data[..<cut]))
    #expect(CRC32C.checksum(Array(data[cut...]), continuing: first) == whole)
  }
}

@Test func crc32cIsThreadSafe() async {
  let data = Array("123456789".utf8)
  let results = await withTaskGroup(of: UInt32.self) { group in
    for _ in 0..<8 { group.addTask { CRC32C.checksum(data) } }
    var all: [UInt32] = []
    for await result in group { all.append(result) }
    return all
  }
  #expect(results == [UInt32](repeating: 0xE306_9283, count: 8))
}
