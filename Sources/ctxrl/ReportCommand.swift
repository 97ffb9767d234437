import Foundation
import Rendering
import RunStore

/// `ctxrl report`: a self-contained HTML page with the plots of one run.
enum ReportCommand: Subcommand {
    static let name = "report"
    static let usage = "ID --out FILE.html [--db PATH]"
    static let summary = "Write a self-contained HTML report with plots of one train run."
    static let options: [OptionSpec] = [
        .value("out", "FILE", "the HTML file to write (required)"),
        .value("db", "PATH", "run store file (default ctxrl-runs.sqlite)"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let path = arguments.string("db") ?? "ctxrl-runs.sqlite"
        guard let text = arguments.positionals.first, let id = Int64(text) else {
            throw UsageError("give the run id: 'ctxrl report ID --out FILE.html'")
        }
        let target = try arguments.required("out", command: name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("run store '\(path)' does not exist; give the file with --db")
        }
        let store = try TrainPlan.openStore(path)
        let run = RunID(rawValue: id)
        guard try store.run(id: run) != nil else {
            throw UsageError("run \(id) is not in \(path); see 'ctxrl runs list'")
        }
        let gif = try store.artifacts(run: run).last { $0.kind == "gif" }
            .flatMap { FileManager.default.contents(atPath: $0.path) }
        let report = try RunReport.build(store: store, run: run, gif: gif)
        let folder = (target as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true)
            }
            try Data(report.html().utf8).write(to: URL(fileURLWithPath: target))
        } catch {
            throw UsageError(
                "cannot write the report to \(ArtifactStage.describe(error)); give a writable "
                    + "path with --out")
        }
        try store.addArtifact(run: run, kind: "report", path: target)
        output.print("wrote \(target)")
    }
}
