import Foundation
import Learning
import Sweep
import Transfer

/// `ctxrl unit`: runs transfer units of a sweep, each into its own shard. This is what every
/// Slurm array task and local sweep process runs.
enum UnitCommand: Subcommand {
    static let name = "unit"
    static let usage = "--sweep DIR --index I[,J,...]"
    static let summary =
        "Train one or more transfer units of a sweep into their shards (what each array task runs)."
    static let options: [OptionSpec] = [
        .value("sweep", "DIR", "the sweep folder that 'ctxrl sweep' wrote (required)"),
        .value("index", "I,J,...", "units to run in order: source context indices, or "
               + "multitask:equal-total and multitask:equal-unit for the multi-task baseline "
               + "(required)"),
        .flag("quiet", "print no progress on standard error"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let folder = SweepFolder(path: try arguments.required("sweep", command: name))
        let text = try arguments.required("index", command: name)
        let units = try text.split(separator: ",", omittingEmptySubsequences: false).map {
            guard let unit = SweepUnit(parsing: String($0)) else {
                throw UsageError(
                    "--index '\(text)' is not a list of units; e.g. --index 3, --index 0,1,2 "
                        + "or --index multitask:equal-total")
            }
            return unit
        }
        let manifest: SweepManifest
        do {
            manifest = try folder.readManifest()
        } catch let error as SweepError {
            throw UsageError(error.description)
        }
        let progress = StudyProgress(
            output: output, quiet: arguments.has("quiet"), count: manifest.contexts.count)
        Interrupt.install()
        do {
            try UnitWork.run(
                units: units, folder: folder, onEvent: { progress.handle($0) },
                shouldCancel: { Interrupt.isRequested })
        } catch SweepError.unitOutOfRange(let index, let count) {
            throw UsageError(SweepError.unitOutOfRange(index: index, count: count).description)
        } catch TrainingError.cancelled {
            progress.finishLine()
            output.error("interrupted; units finished before are kept in their shards")
            exit(130)
        }
        progress.finishLine()
    }
}
