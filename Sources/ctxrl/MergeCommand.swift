import Foundation
import RunStore
import Sweep
import Transfer

/// `ctxrl merge`: folds a sweep's shards into the run store.
enum MergeCommand: Subcommand {
    static let name = "merge"
    static let usage = "--sweep DIR [--db PATH]"
    static let summary =
        "Merge the shards of a sweep into the run store; safe to rerun at any time."
    static let options: [OptionSpec] = [
        .value("sweep", "DIR", "the sweep folder that 'ctxrl sweep' wrote (required)"),
        .value("db", "PATH", "run store file (default ctxrl-runs.sqlite)"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let folder = SweepFolder(path: try arguments.required("sweep", command: name))
        let storePath = arguments.string("db") ?? "ctxrl-runs.sqlite"
        let manifest: SweepManifest
        do {
            manifest = try folder.readManifest()
            try folder.checkShards(manifest)
        } catch let error as SweepError {
            throw UsageError(error.description)
        } catch let error as RunStoreError {
            throw UsageError(error.description)
        }

        let store = try TrainPlan.openStore(storePath)
        let existing = try store.run(named: manifest.runName)
        let run = try manifest.createRun(in: store)
        let merge = try folder.mergeShards(into: store, run: run)

        // Only 'ctxrl sweep' finishes a run, after its summary. A run this merge created is
        // left interrupted, and rerunning the sweep continues it.
        if existing == nil {
            try store.markRunInterrupted(run)
        }
        let sources = try store.trainings(run: run).filter { $0.status == .finished }
            .map { SweepUnit.source($0.sourceIndex) }
        let baselines = try MultitaskBudget.allCases.filter { budget in
            try store.metricHistory(run: run, key: "multitask/\(budget.rawValue)/return_mean")
                .count == manifest.contexts.count
        }.map(SweepUnit.multitask)
        output.print(
            summary(run: run, manifest: manifest, merged: merge, finished: sources + baselines))
        if existing?.status != .finished {
            output.print("Rerun the 'ctxrl sweep' command to finish the run and print its summary.")
        }
    }

    /// Describes what the merge did and which units the run has finished.
    static func summary(
        run: RunID, manifest: SweepManifest, merged: ShardMerge, finished: [SweepUnit]
    ) -> String {
        let mergedCount = merged.merged.count
            + merged.metricKeys.filter { $0.hasSuffix("/return_mean") }.count
        var line = "run \(run.rawValue) '\(manifest.runName)': merged "
            + plural(mergedCount, "unit") + " now; finished units: "
            + (finished.isEmpty ? "none" : finished.map(\.description).joined(separator: ", "))
        if Self.trainsEveryUnit(manifest) {
            let every = manifest.contexts.map { SweepUnit.source($0.index) }
                + MultitaskBudget.allCases.map(SweepUnit.multitask)
            let missing = every.filter { !finished.contains($0) }
            line += missing.isEmpty
                ? " (all)"
                : "; missing: " + missing.map(\.description).joined(separator: ", ")
        }
        return line
    }

    /// Tells whether the sweep's strategy is `all`, which trains every unit. A selection
    /// strategy trains only the units it chooses, so the others are not missing.
    static func trainsEveryUnit(_ manifest: SweepManifest) -> Bool {
        guard let data = manifest.configuration.data(using: .utf8),
            let scenario = try? JSONDecoder().decode(Scenario.self, from: data)
        else { return false }
        return scenario.strategy == "all"
    }
}
