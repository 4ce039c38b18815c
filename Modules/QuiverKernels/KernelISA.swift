import CQuiverKernels

/// The instruction-set path the kernels run on, chosen once per process from the CPU's features.
public enum KernelISA: String, Sendable, CaseIterable {
  /// Portable C.
  case scalar
  /// x86-64 AVX2 with FMA.
  case avx2
  /// x86-64 AVX-512F with AVX-512BW.
  case avx512
  /// arm64 Advanced SIMD.
  case neon

  /// The best path this CPU supports.
  public static var detected: KernelISA { KernelISA(qk_detected_isa()) }

  /// The path kernels currently run on.
  public static var active: KernelISA { KernelISA(qk_active_isa()) }

  /// Runs every kernel on `isa` from now on; returns false (and changes nothing) when this CPU
  /// cannot run it. For tests and benchmarks: not safe while other threads run kernels.
  @discardableResult
  public static func force(_ isa: KernelISA) -> Bool { qk_force_isa(isa.cValue) == 0 }

  /// Runs `body` with the kernels it calls on this thread forced onto `isa`, while other threads
  /// keep the process-wide path (a test comparing paths then cannot change another test's
  /// results); returns nil, without running `body`, when this CPU cannot run `isa`. Kernels that
  /// `body` runs on other threads use the process-wide path.
  package static func onThisThread<Result>(
    _ isa: KernelISA, _ body: () throws -> Result
  ) rethrows -> Result? {
    guard qk_force_isa_on_this_thread(Int32(isa.cValue.rawValue)) == 0 else { return nil }
    defer { qk_force_isa_on_this_thread(-1) }
    return try body()
  }

  /// The paths this CPU can run, slowest first.
  public static var supported: [KernelISA] {
    allCases.filter { candidate in
      switch candidate {
      case .scalar: return true
      case .avx2: return detected == .avx2 || detected == .avx512
      case .avx512: return detected == .avx512
      case .neon: return detected == .neon
      }
    }
  }

  init(_ value: qk_isa) {
    switch value {
    case QK_ISA_AVX2: self = .avx2
    case QK_ISA_AVX512: self = .avx512
    case QK_ISA_NEON: self = .neon
    default: self = .scalar
    }
  }

  var cValue: qk_isa {
    switch self {
    case .scalar: QK_ISA_SCALAR
    case .avx2: QK_ISA_AVX2
    case .avx512: QK_ISA_AVX512
    case .neon: QK_ISA_NEON
    }
  }
}
