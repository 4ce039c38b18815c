/// The codes of a module whose errors can be caused by storage: each such module (`FormatError`,
/// `TableError`, `IndexError`) says which of its codes a kind of `StorageError` becomes, and gets
/// `init(_: StorageError)` and `translatingStorageErrors(_:)` from `CodedError`.
package protocol StorageErrorTranslating: RawRepresentable<String>, Hashable, Sendable {
  /// The code a storage error of kind `code` is reported as in this module.
  init(translating code: StorageError.Code)
  /// The code of a failed system or remote call, also given to an error of any other type.
  static var ioFailure: Self { get }
}

extension CodedError where Code: StorageErrorTranslating {
  /// This module's error for a storage error: the code the module gives that kind of problem,
  /// the storage error's message, and the storage error as the cause.
  package init(_ error: StorageError) {
    self.init(Code(translating: error.code), error.message, underlying: error)
  }

  /// Runs `body`, passing an error of this module through, turning a `StorageError` into one
  /// and any other error into `.ioFailure`.
  package static func translatingStorageErrors<T>(_ body: () throws -> T) throws(Self) -> T {
    do {
      return try body()
    } catch let error as Self {
      throw error
    } catch let error as StorageError {
      throw Self(error)
    } catch {
      throw Self(.ioFailure, "\(error)", underlying: error)
    }
  }
}
