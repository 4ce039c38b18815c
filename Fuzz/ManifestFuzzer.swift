import Foundation
@testable import QuiverTable

/// The manifest decoder and its validation on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  FuzzSupport.run(data, size) { bytes in
    let source = URL(fileURLWithPath: "/fuzz/manifest")
    let manifest = try ManifestCodec.decode(bytes, source: source)
    try manifest.validate(source: source)
    _ = manifest.liveRowCount
  }
}
