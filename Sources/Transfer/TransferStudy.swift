import Environments
import Foundation
import Learning
import Neural
import Numerics
import RunStore

/// The settings of a transfer study that decide its results: stored with the run, so that
/// `--resume` and other machines rebuild exactly the same units.
public struct StudySettings: Codable, Equatable, Sendable {
    /// The environment.
    public var environment: EnvironmentKind
    /// The context set specification; its contexts are both sources and targets.
    public var contexts: String
    /// The PPO settings of every source training.
    public var ppo: PPOConfiguration
    /// Deterministic evaluation episodes per (source, target) pair.
    public var evaluationEpisodes: Int
    /// The run seed; unit `i` trains from a stream derived from it and `i` alone.
    public var seed: UInt64

    public init(
        environment: EnvironmentKind, contexts: String, ppo: PPOConfiguration,
        evaluationEpisodes: Int, seed: UInt64
    ) {
        self.environment = environment
        self.contexts = contexts
        self.ppo = ppo
        self.evaluationEpisodes = evaluationEpisodes
        self.seed = seed
    }
}

/// The outcome of one transfer unit: the policy trained on one source, evaluated zero-shot
/// on every target.
public struct TransferUnitResult: Sendable {
    /// The source context index.
    public let source: Int
    /// The mean raw return on each target.
    public let means: [Double]
    /// The standard deviation of the return on each target.
    public let standardDeviations: [Double]
    /// Training time in seconds (as first measured, for a reused unit).
    public let trainingSeconds: Double
    /// Whether the unit was already finished in the run store and was not trained again.
    public let wasStored: Bool

    /// Returns this result with `wasStored` set to `stored`.
    public func marked(wasStored stored: Bool) -> TransferUnitResult {
        TransferUnitResult(
            source: source, means: means, standardDeviations: standardDeviations,
            trainingSeconds: trainingSeconds, wasStored: stored)
    }
}

/// Something that happened in a study, for progress reporting.
public enum StudyEvent: Sendable {
    /// A unit began training its source.
    case unitStarted(source: Int)
    /// A unit finished an update of its training.
    case trainingProgress(source: Int, TrainingProgress)
    /// A unit finished, trained now or read from the store.
    case unitFinished(TransferUnitResult)
}

/// A transfer study on one run: the units "train source i, evaluate on every target", and the
/// selection loop that decides which units to run.
///
/// Units are deterministic from the run seed and the source index, and idempotent: a unit
/// whose training is finished in the run store is read back instead of trained again. This is
/// what makes `ctxrl train --resume` cheap and lets several processes share the work.
public final class TransferStudy {
    public let settings: StudySettings
    public let contextSet: ContextSet
    public let store: RunStore
    public let run: RunID
    /// Receives progress; called on the thread that runs the unit.
    public var onEvent: ((StudyEvent) -> Void)?
    /// Asked during training; returning true stops the current unit with
    /// `TrainingError.cancelled` and leaves finished units stored.
    public var shouldCancel: (() -> Bool)?

    /// Creates a study on an existing run whose contexts are `contextSet`.
    public init(settings: StudySettings, contextSet: ContextSet, store: RunStore, run: RunID) {
        self.settings = settings
        self.contextSet = contextSet
        self.store = store
        self.run = run
    }

    /// The environment kind.
    public var kind: EnvironmentKind { settings.environment }

    /// The number of contexts N (sources and targets alike).
    public var count: Int { contextSet.contexts.count }

    /// Derives the seed of unit `source` from the run seed and the index only.
    public func unitSeed(_ source: Int) -> UInt64 {
        RandomStream(seed: settings.seed).child("units").child(source).seed
    }

    /// Returns the checkpoint name of the policy trained on `source`.
    public static func checkpointName(source: Int) -> String { "source-\(source)/policy" }
}

// MARK: - Units

extension TransferStudy {
    /// Trains the policy of `source` and evaluates it on every target, or reads the result
    /// back when the run store already holds the finished unit.
    ///
    /// Writes, in order: the learning curve (replacing any curve of an interrupted earlier
    /// attempt), the evaluations, the policy checkpoint, then the finished training. A unit
    /// counts as finished only after all of them are stored.
    ///
    /// - Throws: `TrainingError` from training (including `.cancelled`), `ContextError`,
    ///   `SQLiteError` or `RunStoreError` from the store.
    public func runUnit(source: Int, store unitStore: RunStore? = nil) throws -> TransferUnitResult
    {
        let store = unitStore ?? self.store
        if let stored = try storedUnit(source: source, store: store) {
            onEvent?(.unitFinished(stored))
            return stored
        }
        let training = try store.startTraining(run: run, sourceIndex: source)
        onEvent?(.unitStarted(source: source))

        var samples: [MetricSample] = []
        let start = Date()
        let policy: TrainedPolicy
        do {
            policy = try TrainedPolicy.train(
                kind: kind, contexts: [contextSet.contexts[source]], configuration: settings.ppo,
                seed: unitSeed(source),
                onMetric: { record in
                    samples.append(MetricSample(key: record.key, step: record.step, value: record.value))
                },
                onProgress: { [weak self] progress in
                    self?.onEvent?(.trainingProgress(source: source, progress))
                },
                shouldCancel: shouldCancel)
        } catch {
            let status: RunStatus = (error as? TrainingError).map {
                if case .cancelled = $0 { return .interrupted } else { return .failed }
            } ?? .failed
            try? store.finishTraining(
                training.id, status: status, steps: 0,
                wallSeconds: Date().timeIntervalSince(start))
            throw error
        }
        let seconds = Date().timeIntervalSince(start)

        let results = try policy.evaluate(
            on: contextSet.contexts, episodes: settings.evaluationEpisodes, deterministic: true,
            seed: RandomStream(seed: unitSeed(source)).child("evaluation").seed)
        let evaluations = results.enumerated().map { target, result in
            Evaluation(
                source: source, target: target, episodes: result.episodes, mean: result.mean,
                standardDeviation: result.standardDeviation)
        }
        try store.replaceMetrics(run: run, training: training.id, samples)
        try store.recordEvaluations(run: run, evaluations)
        try store.saveCheckpoint(
            run: run, training: training.id, name: Self.checkpointName(source: source),
            data: policy.checkpoint().encoded())
        try store.finishTraining(
            training.id, steps: settings.ppo.iterations * settings.ppo.batchSize,
            wallSeconds: seconds)
        let result = TransferUnitResult(
            source: source, means: results.map(\.mean),
            standardDeviations: results.map(\.standardDeviation), trainingSeconds: seconds,
            wasStored: false)
        onEvent?(.unitFinished(result))
        return result
    }

    /// The stored result of a finished unit, or nil when the unit must run.
    ///
    /// - Parameter store: The store to look in, this study's by default.
    public func storedUnit(source: Int, store: RunStore? = nil) throws -> TransferUnitResult? {
        let store = store ?? self.store
        guard let training = try store.trainings(run: run).first(where: { $0.sourceIndex == source }),
            training.status == .finished
        else { return nil }
        let rows = try store.evaluations(run: run, source: source)
        guard rows.count == count else { return nil }
        return TransferUnitResult(
            source: source, means: rows.map(\.mean),
            standardDeviations: rows.map(\.standardDeviation),
            trainingSeconds: training.wallSeconds, wasStored: true)
    }

    /// The normalised row `T[source][j]` of a unit, with the environment's fixed return bounds.
    public func observation(_ result: TransferUnitResult) -> SelectionObservation {
        SelectionObservation(
            source: result.source,
            performance: result.means.map {
                TransferMatrix.normalizedPerformance($0, returnBounds: kind.returnBounds)
            })
    }

    /// Reloads the policy a finished unit stored.
    ///
    /// - Throws: `CheckpointError` when the checkpoint is missing or unreadable.
    public func policy(source: Int) throws -> TrainedPolicy {
        guard let data = try store.loadCheckpoint(run: run, name: Self.checkpointName(source: source))
        else { throw CheckpointError.missingTensor(Self.checkpointName(source: source)) }
        return try TrainedPolicy.load(from: Checkpoint(decoding: data))
    }
}
