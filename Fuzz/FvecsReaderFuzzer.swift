@testable import QuiverCLI

/// The .fvecs reader of `quiver convert`: open, then read every batch.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let url = FuzzSupport.file("input.fvecs", FuzzSupport.bytes(data, size))
  guard
    var reader = try? ExchangeFiles.reader(
      path: url.path, format: .fvecs, options: ExchangeFiles.ReadOptions())
  else { return 0 }
  while let batch = try? reader.nextBatch() { _ = batch.rowCount }
  return 0
}
