/// Runs a select kernel (`PQ4FastScan.select`, `RaBitQScan.select`) that writes up to `rowCount`
/// row numbers and distances through the two pointers it is given and returns how many it
/// wrote; gives back what it wrote. The buffers hold one more element than `rowCount`, so they
/// have a base address even for 0 rows.
func selectedRows(
  rowCount: Int,
  _ select: (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<Float>) -> Int
) -> (rows: [UInt32], distances: [Float]) {
  var rows = [UInt32](repeating: 0, count: rowCount + 1)
  var distances = [Float](repeating: 0, count: rowCount + 1)
  let count = rows.withUnsafeMutableBufferPointer { rowBuffer in
    distances.withUnsafeMutableBufferPointer { distanceBuffer in
      select(rowBuffer.baseAddress!, distanceBuffer.baseAddress!)
    }
  }
  return (Array(rows[..<count]), Array(distances[..<count]))
}
