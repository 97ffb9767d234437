import Foundation
import RunStore
import XCTest

final class CheckpointTests: RunStoreTestCase {
    func testBlobRoundTrip() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        var generator = SplitMix64(seed: 5)
        let bytes = Data((0..<1_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) })

        try store.saveCheckpoint(run: run, name: "policy", data: bytes)

        XCTAssertEqual(try store.loadCheckpoint(run: run, name: "policy"), bytes)
    }

    func testEmptyBlobRoundTrip() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        try store.saveCheckpoint(run: run, name: "empty", data: Data())

        XCTAssertEqual(try store.loadCheckpoint(run: run, name: "empty"), Data())
    }

    func testSaveReplacesSameName() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let training = try store.startTraining(run: run, sourceIndex: 1)

        try store.saveCheckpoint(run: run, name: "policy", data: Data([1, 2, 3]))
        try store.saveCheckpoint(run: run, training: training.id, name: "policy", data: Data([4]))

        XCTAssertEqual(try store.loadCheckpoint(run: run, name: "policy"), Data([4]))
        let infos = try store.checkpoints(run: run)
        XCTAssertEqual(infos.count, 1)
        XCTAssertEqual(infos.first?.byteCount, 1)
        XCTAssertEqual(infos.first?.training, training.id)
    }

    func testMissingCheckpointIsNil() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        XCTAssertNil(try store.loadCheckpoint(run: run, name: "missing"))
    }

    func testArtifactsKeepOrder() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        try store.addArtifact(run: run, kind: "frame", path: "out/frame-0.png")
        try store.addArtifact(run: run, kind: "report", path: "out/report.html")
        try store.addArtifact(run: run, kind: "frame", path: "out/frame-0.png")

        let artifacts = try store.artifacts(run: run)
        XCTAssertEqual(artifacts.map(\.path), ["out/frame-0.png", "out/report.html"])
        XCTAssertEqual(artifacts.map(\.kind), ["frame", "report"])
    }
}
