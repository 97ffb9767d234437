import Foundation

/// Ctrl-C handling for long work: the first SIGINT asks the work to stop at its next check so
/// that finished units stay stored and the run is marked interrupted; a second SIGINT exits
/// at once. SIGTERM and SIGHUP (a closed terminal) are treated the same way, so that a sweep
/// stops its unit processes instead of leaving them running.
enum Interrupt {
    /// Set by the signal handler; read by the work's cancellation checks.
    nonisolated(unsafe) static var requested: sig_atomic_t = 0

    static func install() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { _ in
                if Interrupt.requested != 0 { _exit(130) }
                Interrupt.requested = 1
            }
        }
    }

    static var isRequested: Bool { requested != 0 }
}
