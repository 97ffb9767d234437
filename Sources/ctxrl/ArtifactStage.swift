import Foundation
import Learning
import Neural
import Numerics
import Rendering
import RunStore
import Transfer

/// The last stage of the main job: a GIF of one rollout and the HTML report, written to the
/// output folder and recorded as the run's artifacts.
enum ArtifactStage {
    /// At most this many steps go into the GIF, so that the report stays a few megabytes.
    static let maximumGIFSteps = 300

    /// Writes both files, named after the store file and the run id so that runs of different
    /// stores do not overwrite each other (the default store gives `run1_report.html`).
    /// Creates the output folder and checks that files can be written in it, so that a bad
    /// `--out` fails before any training instead of after it.
    ///
    /// - Throws: `UsageError` naming the folder and the fix.
    static func prepare(folder: String) throws {
        let probe = (folder as NSString).appendingPathComponent(".ctxrl-write-check")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: probe))
            try FileManager.default.removeItem(atPath: probe)
        } catch {
            throw UsageError(
                "cannot write to the output folder '\(folder)' (\(describe(error))); give a "
                    + "writable folder with --out, or skip the GIF and report with --no-artifacts")
        }
    }

    static func run(plan: TrainPlan, result: TrainResult, folder: String, storePath: String)
        throws -> (gif: String?, report: String)
    {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = ((storePath as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = store == "ctxrl-runs" ? "run\(plan.run.rawValue)" : "\(store)-run\(plan.run.rawValue)"
        let prefix = (folder as NSString).appendingPathComponent(name)
        var gifPath: String?
        var gifData: Data?
        // The first chosen source's policy, acting on its own context.
        if let source = result.sharedSources.first ?? result.units.first?.source,
            let data = try plan.store.loadCheckpoint(
                run: plan.run, name: TransferStudy.checkpointName(source: source))
        {
            let policy = try TrainedPolicy.load(from: Checkpoint(decoding: data))
            let context = plan.contextSet.contexts[source]
            let environment = try plan.scenario.environment.makeSingleEnvironment(
                context: context, seed: RandomStream(seed: plan.scenario.seed).child("render").seed)
            let rollout = try runRollout(
                environment: environment, maximumSteps: maximumGIFSteps,
                frames: .captioned(try CaptionRenderer()),
                action: try policy.deterministicActor(context: context))
            let path = prefix + "_" + rollout.fileStem + ".gif"
            _ = try AnimatedGIF.write(
                rollout.frames, framesPerSecond: plan.scenario.environment.framesPerSecond,
                to: path)
            try plan.store.addArtifact(run: plan.run, kind: "gif", path: path)
            gifPath = path
            gifData = FileManager.default.contents(atPath: path)
        }
        let reportPath = prefix + "_report.html"
        let report = try RunReport.build(store: plan.store, run: plan.run, gif: gifData)
        try Data(report.html().utf8).write(to: URL(fileURLWithPath: reportPath))
        try plan.store.addArtifact(run: plan.run, kind: "report", path: reportPath)
        return (gifPath, reportPath)
    }

    /// Describes a file error in one sentence: the path and the system's reason.
    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain,
            let path = nsError.userInfo[NSFilePathErrorKey] as? String
        {
            let reason = (nsError.userInfo[NSUnderlyingErrorKey] as? NSError)
                .map { String(cString: strerror(Int32($0.code))) } ?? nsError.localizedDescription
            return "'\(path)': \(reason)"
        }
        return String(describing: error)
    }
}
