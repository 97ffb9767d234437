import Environments
import Foundation
import Learning
import RunStore
import Sweep
import Transfer

/// A tiny CartPole study for sweep tests: four lengths, 256 PPO steps per unit.
enum SweepFixtures {
    static let contexts = "list:length=0.3|0.5|0.8|1.2"

    static var settings: StudySettings {
        var ppo = PPOConfiguration.defaults(for: .cartpole)
        ppo.totalSteps = 256
        return StudySettings(
            environment: .cartpole, contexts: contexts, ppo: ppo, evaluationEpisodes: 2, seed: 3)
    }

    static func contextSet() throws -> ContextSet {
        try ContextSet.parse(contexts, environment: .cartpole, seed: 3)
    }

    static func manifest(name: String = "sweep-test") throws -> SweepManifest {
        SweepManifest(
            runName: name, runKind: "sweep", configuration: #"{"test":true}"#,
            ctxrlVersion: "test", settings: settings,
            contexts: try contextSet().contexts.enumerated().map {
                RunContext(index: $0.offset, features: $0.element.dictionary)
            })
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ctxrl-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Creates a run store with the manifest's run, and returns the study on it.
    static func study(manifest: SweepManifest, storePath: String) throws -> TransferStudy {
        let store = try RunStore(path: storePath)
        let run = try store.createRun(
            name: manifest.runName, kind: manifest.runKind, configuration: manifest.configuration,
            seed: manifest.settings.seed, ctxrlVersion: manifest.ctxrlVersion)
        try store.addContexts(run: run, manifest.contexts.map(\.features))
        return TransferStudy(
            settings: manifest.settings, contextSet: try contextSet(), store: store, run: run)
    }
}

/// Runs tasks in this process through `UnitWork`, as a unit process would, except the
/// tasks listed in `failing`, which end without running.
final class InProcessBackend: SweepBackend {
    var failing: Set<Int> = []
    private(set) var ranUnits: [SweepUnit] = []

    var name: String { "in-process" }

    func run(
        tasks: [[SweepUnit]], round: Int, folder: SweepFolder, onEvent: (SweepEvent) -> Void,
        shouldCancel: () -> Bool
    ) throws -> [TaskFailure] {
        var failures: [TaskFailure] = []
        for (task, units) in tasks.enumerated() {
            if failing.contains(task) {
                failures.append(TaskFailure(task: task, reason: "killed", log: "task-\(task).log"))
                continue
            }
            ranUnits += units
            try UnitWork.run(units: units, folder: folder)
        }
        return failures
    }
}
