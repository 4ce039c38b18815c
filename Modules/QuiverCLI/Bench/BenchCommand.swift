import ArgumentParser

/// `quiver bench`: release-build benchmarks of each layer; results go to stdout (`--json` for
/// programs), and Docs/Benchmarks.md records them with the command that produced them.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Run benchmarks (build with -c release).",
    subcommands: [
      BenchSearchCommand.self, BenchKernelsCommand.self, BenchFormatCommand.self,
      BenchTableCommand.self, BenchIndexCommand.self, BenchOptimizeCommand.self,
    ],
    defaultSubcommand: BenchSearchCommand.self
  )
}
