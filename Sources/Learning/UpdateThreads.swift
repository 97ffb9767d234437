import Dispatch
import Foundation
import Synchronization

extension PPOTrainer {
    /// The number of threads each gradient step of a new trainer uses: 1, or 2 to compute the
    /// actor's and the critic's gradients at once.
    ///
    /// Training results are bit-identical either way, and only the wall-clock time changes.
    /// The command-line tool sets it before each stage of a run, while no trainer is being
    /// created. Keep it at 1 when several trainings already share the cores.
    nonisolated(unsafe) public static var updateThreads = 1
}

/// A second thread that runs one closure at a time for the thread that owns it, so that a
/// gradient step can compute its two independent halves at once.
///
/// A CartPole gradient step of two 64-64 networks takes about 250 microseconds, so the
/// hand-over must cost far less. Both sides therefore spin on an atomic state, yielding the
/// core after a short while, and the worker falls asleep on a semaphore only after about 200
/// microseconds without work (during rollouts). With `DispatchQueue.concurrentPerform` two
/// threads were no faster than one, because waking its pool costs about as much as the step.
///
/// One thread owns a worker: only the owner calls `runBoth`, never two calls at once.
/// Releasing the worker ends its thread.
package final class PairedWorker {
    private let channel = WorkerChannel()

    package init() {
        let channel = self.channel
        let thread = Thread { channel.serve() }
        thread.name = "ctxrl-update-worker"
        thread.stackSize = 1 << 22
        thread.start()
    }

    deinit {
        channel.post(.stopping)
    }

    /// Runs `first` on the calling thread and `second` on the worker, and returns both
    /// results when both are done. The two closures must not touch the same mutable state.
    package func runBoth<First, Second>(
        _ first: () -> First, _ second: () -> Second
    ) -> (First, Second) {
        var secondResult: Second?
        let firstResult = withoutActuallyEscaping({ secondResult = second() }) { job in
            channel.start(job)
            let result = first()
            channel.waitUntilFinished()
            return result
        }
        return (firstResult, secondResult!)
    }
}

/// The state the owner and the worker thread share: an atomic state word, the posted job,
/// and the semaphore the worker sleeps on.
private final class WorkerChannel: @unchecked Sendable {
    enum State: Int {
        case idle, posted, finished, stopping
    }

    private let state = Atomic<Int>(State.idle.rawValue)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// The closure to run, written by the owner before posting and read by the worker after it
    /// loads `posted`.
    private var job: (() -> Void)?
    /// How long a waiting side spins before it yields its core at every check, so that an
    /// oversubscribed machine still runs the other side.
    private let spinBeforeYield = Duration.microseconds(50)
    /// How long the worker waits for the next job before it sleeps: longer than the clipping
    /// and Adam between two gradient steps, far shorter than a rollout.
    private let idleBeforeSleep = Duration.microseconds(200)

    /// Hands `job` to the worker. Traps if a job is already running, because a worker has one
    /// owner that waits for each job.
    func start(_ job: @escaping () -> Void) {
        precondition(
            state.load(ordering: .acquiring) == State.idle.rawValue,
            "a paired worker runs one job at a time for one owner")
        self.job = job
        post(.posted)
    }

    /// Waits for the posted job to finish and makes the worker idle again.
    func waitUntilFinished() {
        let clock = ContinuousClock()
        let start = clock.now
        var spins = 0
        while state.load(ordering: .acquiring) != State.finished.rawValue {
            spins += 1
            if spins % 256 == 0 && clock.now - start > spinBeforeYield { sched_yield() }
        }
        job = nil
        state.store(State.idle.rawValue, ordering: .releasing)
    }

    func post(_ next: State) {
        state.store(next.rawValue, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
    }

    /// Runs the worker thread: waits for a job, runs it and reports it finished, until stopped.
    func serve() {
        while true {
            waitForWork()
            if state.load(ordering: .acquiring) == State.stopping.rawValue { return }
            job?()
            state.store(State.finished.rawValue, ordering: .releasing)
        }
    }

    private func hasWork() -> Bool {
        let current = state.load(ordering: .acquiring)
        return current == State.posted.rawValue || current == State.stopping.rawValue
    }

    /// Waits until the state is `posted` or `stopping`: spins, then yields, then sleeps.
    private func waitForWork() {
        let clock = ContinuousClock()
        var spins = 0
        var idleSince = clock.now
        while true {
            if hasWork() { return }
            spins += 1
            if spins % 256 != 0 { continue }
            let idle = clock.now - idleSince
            if idle > spinBeforeYield { sched_yield() }
            if idle < idleBeforeSleep { continue }
            sleeping.store(true, ordering: .sequentiallyConsistent)
            let current = state.load(ordering: .sequentiallyConsistent)
            if current == State.posted.rawValue || current == State.stopping.rawValue {
                // If the owner already took `sleeping`, its signal is on the way and must be
                // consumed here. Otherwise no signal will come.
                if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }
                return
            }
            wake.wait()
            spins = 0
            idleSince = clock.now
        }
    }
}
