import QuiverIndex
import Testing

@Test func errorDescriptionNamesCodeAndMessage() {
  let error = IndexError(.invalidArgument, "column 'x' is unknown")
  #expect(error.description == "invalidArgument: column 'x' is unknown")
}
