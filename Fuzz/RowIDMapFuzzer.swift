import Foundation
@testable import QuiverTable

/// The row-id map decoder (compaction's old-to-new row ids) on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  FuzzSupport.run(data, size) { bytes in
    let map = try RowIDMapCodec.decode(bytes, source: URL(fileURLWithPath: "/fuzz/rowidmap"))
    _ = RowIDMapCodec.encode(map)
  }
}
