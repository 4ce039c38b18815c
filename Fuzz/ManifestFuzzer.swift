import Foundation
@testable import QuiverTable

/// The manifest decoder and its validation on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let source = URL(fileURLWithPath: "/fuzz/manifest")
  guard let manifest = try? ManifestCodec.decode(FuzzSupport.bytes(data, size), source: source)
  else { return 0 }
  if (try? manifest.validate(source: source)) != nil { _ = manifest.liveRowCount }
  return 0
}
