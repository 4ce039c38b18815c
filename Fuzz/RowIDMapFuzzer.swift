import Foundation
@testable import QuiverTable

/// The row-id map decoder (compaction's old-to-new row ids) on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let source = URL(fileURLWithPath: "/fuzz/rowidmap")
  guard let map = try? RowIDMapCodec.decode(FuzzSupport.bytes(data, size), source: source)
  else { return 0 }
  _ = RowIDMapCodec.encode(map)
  return 0
}
