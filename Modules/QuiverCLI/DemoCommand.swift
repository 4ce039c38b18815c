import ArgumentParser
import Foundation
import Quiver

/// `quiver demo`: the main job from the README, exercising what the package can do today.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run a short end-to-end demonstration on generated data.")

  @Option(help: "Number of generated vectors.")
  var rows = 20_000

  @Option(help: "Vector dimension.")
  var dimension = 384

  func run() throws {
    print("kernels: \(KernelISA.active.rawValue) (detected \(KernelISA.detected.rawValue))")
    var state: UInt64 = 42
    func nextFloat() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24) * 2 - 1
    }
    let data = (0..<(rows * dimension)).map { _ in nextFloat() }
    let query = (0..<dimension).map { _ in nextFloat() }
    for metric in DistanceMetric.allCases {
      let start = DispatchTime.now().uptimeNanoseconds
      let distances = try metric.distances(from: query, to: data)
      let top = try TopK.select(5, from: distances)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let ids = top.map { String($0.id) }.joined(separator: ", ")
      print(
        "\(metric.rawValue): exact top-5 of \(rows) × \(dimension) in "
          + String(format: "%.2f ms", seconds * 1000) + ": [\(ids)]")
    }
  }
}
