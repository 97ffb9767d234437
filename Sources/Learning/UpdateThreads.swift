import Dispatch
import Foundation
import Synchronization

extension PPOTrainer {
    /// The number of threads each gradient step of a new trainer uses: 1, or 2 to compute the
    /// actor's and the critic's gradients at once.
    ///
    /// Training results are bit-identical either way, and only the wall-clock time changes.
    /// The command-line tool sets this once at start-up, before any trainer exists. Keep it at
    /// 1 when several trainings already share the cores.
    nonisolated(unsafe) public static var updateThreads = 1
}

/// A second thread that runs one closure at a time for the thread that owns it, so that a
/// gradient step can compute its two independent halves at once.
///
/// A CartPole gradient step of two 64-64 networks takes about 250 microseconds, so the hand-over must
/// cost far less. Both sides therefore spin on an atomic state, and the worker falls asleep
/// on a semaphore only after a while without work (during rollouts). With
/// `DispatchQueue.concurrentPerform` two threads were no faster than one, because waking its
/// pool costs about as much as the step.
final class PairedWorker: @unchecked Sendable {
    private enum State: Int {
        case idle, posted, finished, stopping
    }

    private let state = Atomic<Int>(State.idle.rawValue)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// The closure to run, written by the owner before posting and read by the worker after it
    /// loads `posted`.
    private var job: (() -> Void)?
    /// Spins of the worker before it sleeps: longer than the serial part between two gradient
    /// steps (clipping and Adam), far shorter than a rollout.
    private let spinLimit = 200_000

    init() {
        let thread = Thread { [self] in loop() }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Runs `first` on the calling thread and `second` on the worker, and returns when both
    /// are done. The two closures must not touch the same mutable state.
    func runBoth(_ first: () -> Void, _ second: () -> Void) {
        withoutActuallyEscaping(second) { second in
            job = second
            post(.posted)
            first()
            while state.load(ordering: .acquiring) != State.finished.rawValue {}
            job = nil
            state.store(State.idle.rawValue, ordering: .releasing)
        }
    }

    /// Ends the worker thread. Call it once, from the owner, when no job is running.
    func stop() {
        post(.stopping)
    }

    private func post(_ next: State) {
        state.store(next.rawValue, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
    }

    private func loop() {
        while true {
            waitForWork()
            if state.load(ordering: .acquiring) == State.stopping.rawValue { return }
            job?()
            state.store(State.finished.rawValue, ordering: .releasing)
        }
    }

    /// Waits until the state is `posted` or `stopping`, spinning first and then sleeping.
    private func waitForWork() {
        var spins = 0
        while true {
            let current = state.load(ordering: .acquiring)
            if current == State.posted.rawValue || current == State.stopping.rawValue { return }
            if spins < spinLimit {
                spins += 1
                continue
            }
            sleeping.store(true, ordering: .sequentiallyConsistent)
            let now = state.load(ordering: .sequentiallyConsistent)
            if now == State.posted.rawValue || now == State.stopping.rawValue {
                // If the owner already took `sleeping`, its signal is on the way and must be
                // consumed here. Otherwise no signal will come.
                if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }
                return
            }
            wake.wait()
            spins = 0
        }
    }
}
