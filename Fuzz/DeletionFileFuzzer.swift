import Foundation
@testable import QuiverTable

/// The deletion-file decoder and the offset check against a fragment of 1,000 rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  FuzzSupport.run(data, size) { bytes in
    let fragment = FragmentMetadata(id: 3, physicalRowCount: 1000, dataFiles: [])
    let vector = try DeletionFileCodec.decode(
      bytes, fragment: fragment, source: URL(fileURLWithPath: "/fuzz/deletion"))
    _ = vector.liveOffsets(physicalRowCount: fragment.physicalRowCount)
  }
}
