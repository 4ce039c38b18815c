import Foundation
@testable import QuiverIndex

/// The IVF and HNSW index files: the input is a 4-byte little-endian length, that many bytes of
/// model file, then the partitions file. Opens it as each index type and, when it opens,
/// searches every partition.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = FuzzSupport.bytes(data, size)
  guard bytes.count >= 4 else { return 0 }
  let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
  guard length <= bytes.count - 4 else { return 0 }
  let model = Array(bytes[4..<(4 + length)])
  let partitions = Array(bytes[(4 + length)...])
  let folder = FuzzSupport.folder
  _ = FuzzSupport.file(IVFIndexFiles.model, model)
  _ = FuzzSupport.file(IVFIndexFiles.partitions, partitions)
  _ = FuzzSupport.file(HNSWIndexFiles.model, model)
  _ = FuzzSupport.file(HNSWIndexFiles.partitions, partitions)
  if let index = try? IVFIndex.open(at: folder, cacheCapacityBytes: 0) {
    let query = [Float](repeating: 0.5, count: index.statistics.dimension)
    _ = try? index.search(query, k: 5, nprobes: index.partitionCount)
  }
  if let index = try? HNSWIndex.open(at: folder) {
    _ = try? index.search([Float](repeating: 0.5, count: index.dimension), k: 5)
  }
  if let index = try? IVFHNSWIndex.open(at: folder) {
    _ = try? index.search(
      [Float](repeating: 0.5, count: index.dimension), k: 5, nprobes: index.partitionCount)
  }
  return 0
}
