/// An exchange writer whose whole output is one `OutputFile`: finishing commits the file,
/// abandoning removes it.
protocol OutputFileWriter: ExchangeWriter {
  /// The file being written.
  var output: OutputFile { get }
}

extension OutputFileWriter {
  mutating func finish() throws { try output.commit() }

  mutating func abandon() { output.abandon() }
}
