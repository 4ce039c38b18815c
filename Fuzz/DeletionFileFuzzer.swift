import Foundation
@testable import QuiverTable

/// The deletion-file decoder and the offset check against a fragment of 1,000 rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let source = URL(fileURLWithPath: "/fuzz/deletion")
  let fragment = FragmentMetadata(id: 3, physicalRowCount: 1000, dataFiles: [])
  guard
    let vector = try? DeletionFileCodec.decode(
      FuzzSupport.bytes(data, size), fragment: fragment, source: source)
  else { return 0 }
  _ = vector.liveOffsets(physicalRowCount: fragment.physicalRowCount)
  return 0
}
