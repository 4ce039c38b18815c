import ArgumentParser
import Foundation

/// Runs a command's body and turns any error into one line on standard error and an exit status,
/// so every subcommand fails the same way: `quiver SUBCOMMAND: error: MESSAGE`.
///
/// ArgumentParser's own errors (usage, `--help`) pass through untouched; a `CLIError` exits with
/// its code; an error from a Quiver module exits with status 1 and its own message (which names
/// the file, column or parameter).
func reportingErrors(of command: String, _ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as CLIError {
    StandardError.line("quiver \(command): error: \(oneLine(error.message))")
    throw ExitCode(error.code.rawValue)
  } catch let error as ExitCode {
    throw error
  } catch let error as ValidationError {
    throw error
  } catch let error as CleanExit {
    throw error
  } catch {
    StandardError.line("quiver \(command): error: \(oneLine(String(describing: error)))")
    throw ExitCode(CLIError.Code.failure.rawValue)
  }
}

/// `text` with line breaks replaced by spaces, so an error is always a single line.
func oneLine(_ text: String) -> String {
  String(text.map { $0.isNewline ? " " : $0 })
}
