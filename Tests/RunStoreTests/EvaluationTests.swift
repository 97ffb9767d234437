import Foundation
import RunStore
import XCTest

final class EvaluationTests: RunStoreTestCase {
    func testEvaluationsRoundTrip() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let time = Date(timeIntervalSince1970: 1_700_000_000)

        try store.recordEvaluations(
            run: run,
            [
                Evaluation(
                    source: 1, target: 2, episodes: 10, mean: 480, standardDeviation: 12.5,
                    time: time),
                Evaluation(
                    source: 1, target: 0, episodes: 0, mean: .nan, standardDeviation: .nan,
                    time: time),
            ])

        let evaluations = try store.evaluations(run: run)
        XCTAssertEqual(evaluations.map(\.target), [0, 2])
        XCTAssertTrue(evaluations[0].mean.isNaN)
        XCTAssertTrue(evaluations[0].standardDeviation.isNaN)
        XCTAssertEqual(evaluations[1].mean, 480)
        XCTAssertEqual(evaluations[1].standardDeviation, 12.5)
        XCTAssertEqual(evaluations[1].episodes, 10)
        XCTAssertEqual(evaluations[1].time, time)
    }

    func testEvaluationIsReplaced() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        try store.recordEvaluation(
            run: run, Evaluation(source: 0, target: 1, episodes: 5, mean: 1, standardDeviation: 0))
        try store.recordEvaluation(
            run: run, Evaluation(source: 0, target: 1, episodes: 8, mean: 2, standardDeviation: 1))

        let evaluations = try store.evaluations(run: run)
        XCTAssertEqual(evaluations.count, 1)
        XCTAssertEqual(evaluations.first?.episodes, 8)
        XCTAssertEqual(evaluations.first?.mean, 2)
    }

    func testSelectionStepRoundTrip() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let step = SelectionStep(
            strategy: "mbtl-gp", step: 1, chosenIndex: 2, candidates: [0, 2],
            predictedMeans: [0.5, .infinity], predictedStandardDeviations: [0.1, .nan],
            acquisitionValues: [-.infinity, 0.25], generalizedPerformance: 0.81)

        try store.recordSelectionStep(
            run: run, SelectionStep(strategy: "mbtl-gp", step: 0, chosenIndex: 1))
        try store.recordSelectionStep(run: run, step)

        let steps = try store.selectionSteps(run: run, strategy: "mbtl-gp")
        XCTAssertEqual(steps.map(\.step), [0, 1])
        XCTAssertEqual(steps[0].candidates, [])
        XCTAssertNil(steps[0].generalizedPerformance)
        XCTAssertEqual(steps[1].chosenIndex, 2)
        XCTAssertEqual(steps[1].candidates, [0, 2])
        XCTAssertEqual(steps[1].predictedMeans, [0.5, .infinity])
        XCTAssertEqual(steps[1].predictedStandardDeviations[0], 0.1)
        XCTAssertTrue(steps[1].predictedStandardDeviations[1].isNaN)
        XCTAssertEqual(steps[1].acquisitionValues, [-.infinity, 0.25])
        XCTAssertEqual(steps[1].generalizedPerformance, 0.81)
    }

    func testSelectionStepsFilterByStrategy() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        try store.recordSelectionStep(
            run: run, SelectionStep(strategy: "random", step: 0, chosenIndex: 0))
        try store.recordSelectionStep(
            run: run, SelectionStep(strategy: "mbtl-gp", step: 0, chosenIndex: 1))

        XCTAssertEqual(try store.selectionSteps(run: run).map(\.strategy), ["mbtl-gp", "random"])
        XCTAssertEqual(try store.selectionSteps(run: run, strategy: "random").count, 1)
    }

    func testExportHoldsEveryPart() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let training = try store.startTraining(run: run, sourceIndex: 1)
        try store.logMetric(
            run: run, training: training.id, key: "losses/value", step: 0, value: .nan)
        try store.recordEvaluation(
            run: run, Evaluation(source: 1, target: 0, episodes: 4, mean: 9, standardDeviation: 1))
        try store.recordSelectionStep(
            run: run, SelectionStep(strategy: "random", step: 0, chosenIndex: 1))
        try store.saveCheckpoint(
            run: run, training: training.id, name: "final", data: Data([7, 7]))
        try store.addArtifact(run: run, kind: "report", path: "report.html")

        let export = try store.export(run: run)

        XCTAssertEqual(export.run.id, run)
        XCTAssertEqual(export.contexts.count, 3)
        XCTAssertEqual(export.trainings.map(\.id), [training.id])
        XCTAssertEqual(export.metrics.count, 1)
        XCTAssertEqual(export.evaluations.count, 1)
        XCTAssertEqual(export.selectionSteps.count, 1)
        XCTAssertEqual(export.checkpoints.map(\.byteCount), [2])
        XCTAssertEqual(export.artifacts.map(\.path), ["report.html"])
    }

    func testExportEncodesAsJSON() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        try store.logMetric(run: run, key: "losses/value", step: 0, value: .nan)
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

        let data = try encoder.encode(try store.export(run: run))
        let text = String(decoding: data, as: UTF8.self)

        XCTAssertTrue(text.contains(#""value":"nan""#))
    }

    func testExportOfUnknownRunThrows() throws {
        let store = try makeStore()

        XCTAssertThrowsError(try store.export(run: RunID(rawValue: 3))) { error in
            XCTAssertEqual(error as? RunStoreError, .runNotFound(RunID(rawValue: 3)))
        }
    }
}
