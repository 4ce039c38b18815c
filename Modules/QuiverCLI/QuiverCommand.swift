import ArgumentParser

/// The `quiver` command: look inside Quiver tables, move data in and out, build indexes, search
/// and benchmark.
@main
struct QuiverCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quiver",
    abstract: "Quiver: an embedded vector database on a compressed columnar format.",
    subcommands: [
      InspectCommand.self, ConvertCommand.self, IndexCommand.self, SearchCommand.self,
      BenchCommand.self, DemoCommand.self, CleanupCommand.self, OptimizeCommand.self,
    ]
  )
}
