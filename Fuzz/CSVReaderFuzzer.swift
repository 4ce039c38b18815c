/// The .csv reader of `quiver convert`: open, then read every batch.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  FuzzSupport.readEveryBatch(data, size, name: "input.csv", format: .csv)
}
