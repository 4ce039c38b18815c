import CZstd
import QuiverKernels
import QuiverTestSupport
import Testing

@Test func libzstdCompressesAndDecompressesABuffer() throws {
  var random = SeededGenerator(seed: 7)
  let input = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 % 17) } + random.bytes(100)
  let bound = ZSTD_compressBound(input.count)
  var compressed = [UInt8](repeating: 0, count: bound)
  let compressedSize = ZSTD_compress(&compressed, bound, input, input.count, 3)
  #expect(ZSTD_isError(compressedSize) == 0)
  #expect(compressedSize < input.count / 4)
  var output = [UInt8](repeating: 0, count: input.count)
  let outputSize = ZSTD_decompress(&output, output.count, compressed, compressedSize)
  #expect(ZSTD_isError(outputSize) == 0)
  #expect(outputSize == input.count)
  #expect(output == input)
}
