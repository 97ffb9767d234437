import Foundation
import RunStore
import Sweep

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
        } catch let error as SweepError {
            throw UsageError(error.description)
        }
        let store = try TrainPlan.openStore(storePath)
        let run = try store.createRun(
            name: manifest.runName, kind: manifest.runKind, configuration: manifest.configuration,
            seed: manifest.settings.seed, ctxrlVersion: manifest.ctxrlVersion)
        try store.addContexts(
            run: run, manifest.contexts.sorted { $0.index < $1.index }.map(\.features))
        let merge: ShardMerge
        do {
            merge = try folder.mergeShards(into: store, run: run)
        } catch let error as RunStoreError {
            throw UsageError(error.description)
        }
        let finished = Set(
            try store.trainings(run: run).filter { $0.status == .finished }.map(\.sourceIndex))
        let missing = manifest.contexts.map(\.index).filter { !finished.contains($0) }
        output.print(
            "run \(run.rawValue) '\(manifest.runName)': merged "
                + plural(merge.merged.count, "unit") + " now, "
                + "\(finished.count) of \(manifest.contexts.count) units finished"
                + (missing.isEmpty ? "" : "; missing: " + missing.map(String.init)
                    .joined(separator: ", ")))
    }
}
