import ArgumentParser

/// Options every command that prints results shares.
struct OutputOptions: ParsableArguments {
  /// Print results as JSON on standard output instead of a table.
  @Flag(help: "Print the result as JSON on standard output, for programs to read.")
  var json = false

  /// Print no progress on standard error.
  @Flag(name: [.customShort("q"), .long], help: "Print no progress on standard error (errors are still printed).")
  var quiet = false
}
