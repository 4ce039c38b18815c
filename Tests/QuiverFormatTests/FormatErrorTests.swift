import QuiverFormat
import Testing

@Test func errorDescriptionNamesCodeAndMessage() {
  let error = FormatError(.invalidArgument, "column 'x' is unknown")
  #expect(error.description == "invalidArgument: column 'x' is unknown")
}
