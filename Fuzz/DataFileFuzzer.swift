import Foundation
import QuiverFormat

/// The data-file reader: open, then read every column whole and by a few random rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let url = FuzzSupport.file("data.qvf", FuzzSupport.bytes(data, size))
  guard let reader = try? DataFileReader(url: url) else { return 0 }
  for name in reader.schema.names {
    _ = try? reader.readColumn(name)
  }
  if reader.rowCount > 0 {
    _ = try? reader.take(rowOffsets: [0, reader.rowCount - 1, reader.rowCount / 2])
  }
  return 0
}
