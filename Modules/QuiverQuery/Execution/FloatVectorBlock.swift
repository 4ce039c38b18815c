#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The float32 vectors of one column of one fragment, every physical row contiguous
/// (`rowCount × dimension` floats), read (and checksum-verified) once and then shared by every
/// exact scan of that fragment: scans read it in place, with no copy per query.
///
/// The buffer is 2 MiB aligned and, on Linux, marked for transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`): a scan streams the whole column, and 4 KiB pages cost it a TLB
/// miss every 4 KiB (measured: 36-38 GB/s with huge pages, `quiver bench kernels`).
///
/// `@unchecked Sendable`: the buffer is written only by `init` (before the block is shared) and
/// freed by `deinit`; in between it is read-only.
package final class FloatVectorBlock: @unchecked Sendable {
  private let storage: UnsafeMutablePointer<Float>
  /// Floats held (`rowCount × dimension`).
  package let floatCount: Int
  /// Floats per vector.
  package let dimension: Int

  private static let alignment = 2 << 20

  /// A block of `rowCount` vectors that `fill` writes; nil when `fill` returns false (the
  /// column could not be read whole).
  ///
  /// - Precondition: `dimension > 0`, `rowCount >= 0`.
  package init?(
    rowCount: Int, dimension: Int, fill: (UnsafeMutableBufferPointer<Float>) throws -> Bool
  ) rethrows {
    precondition(dimension > 0 && rowCount >= 0, "bad block shape")
    let count = rowCount * dimension
    let bytes = max(count * 4, 4)
    var raw: UnsafeMutableRawPointer?
    guard posix_memalign(&raw, Self.alignment, bytes) == 0, let raw else {
      fatalError("FloatVectorBlock: cannot allocate \(bytes) bytes")
    }
    #if os(Linux)
      _ = madvise(raw, bytes, 14)  // MADV_HUGEPAGE; a hint, so failure changes nothing
    #endif
    let floats = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    do {
      guard try fill(UnsafeMutableBufferPointer(start: floats, count: count)) else {
        free(raw)
        return nil
      }
    } catch {
      free(raw)
      throw error
    }
    storage = floats
    floatCount = count
    self.dimension = dimension
  }

  /// A block holding a copy of `values` (a whole number of `dimension`-float rows).
  ///
  /// - Precondition: `dimension > 0` and `values.count` is a multiple of it.
  package convenience init(values: [Float], dimension: Int) {
    precondition(dimension > 0 && values.count % dimension == 0, "not a whole number of vectors")
    self.init(rowCount: values.count / dimension, dimension: dimension) { target in
      _ = target.initialize(from: values)
      return true
    }!
  }

  deinit { free(storage) }

  /// The number of vectors.
  package var rowCount: Int { floatCount / dimension }

  /// Bytes held.
  package var byteCount: Int { floatCount * 4 }

  /// Calls `body` with the vectors (read-only, valid only inside `body`).
  package func withUnsafeBufferPointer<Result>(
    _ body: (UnsafeBufferPointer<Float>) throws -> Result
  ) rethrows -> Result {
    try body(UnsafeBufferPointer(start: storage, count: floatCount))
  }
}
