import Environments
import XCTest

@testable import Rendering

final class RolloutTests: XCTestCase {
    /// Pushes the cart towards the side the pole leans to.
    private func balance(_ observation: [Float]) -> Double {
        observation[2] > 0 ? 1 : 0
    }

    private func cartPole(seed: UInt64) throws -> SingleEnvironment {
        try EnvironmentKind.cartpole.makeSingleEnvironment(
            context: EnvironmentKind.cartpole.contextSpace.defaultContext, seed: seed)
    }

    func testDrawingLeavesTrajectoryUnchanged() throws {
        let drawn = try runRollout(
            environment: try cartPole(seed: 7), maximumSteps: 40, frames: .plain,
            action: balance)
        let undrawn = try runRollout(
            environment: try cartPole(seed: 7), maximumSteps: 40, frames: .none,
            action: balance)
        XCTAssertEqual(drawn.steps, undrawn.steps)
        XCTAssertEqual(drawn.actions, undrawn.actions)
        XCTAssertEqual(drawn.frames.count, drawn.steps.count)
        XCTAssertTrue(undrawn.frames.isEmpty)
    }

    func testCaptionsLeaveTrajectoryUnchanged() throws {
        let captions = try CaptionRenderer()
        let captioned = try runRollout(
            environment: try cartPole(seed: 3), maximumSteps: 10, frames: .captioned(captions),
            action: balance)
        let undrawn = try runRollout(
            environment: try cartPole(seed: 3), maximumSteps: 10, frames: .none,
            action: balance)
        XCTAssertEqual(captioned.steps, undrawn.steps)
    }

    func testRolloutStopsAtTermination() throws {
        // Always pushing left topples the pole well before the time limit.
        let rollout = try runRollout(
            environment: try cartPole(seed: 1), frames: .none, action: { _ in 0 })
        XCTAssertTrue(rollout.steps.last!.terminated)
        XCTAssertEqual(rollout.actions.count, rollout.steps.count - 1)
        XCTAssertEqual(rollout.episodeReturn, Double(rollout.actions.count))
    }

    func testRolloutStartsFromGivenState() throws {
        let rollout = try runRollout(
            environment: try cartPole(seed: 1), initialState: [0.1, 0, 0, 0], maximumSteps: 1,
            frames: .none, action: { _ in 1 })
        XCTAssertEqual(rollout.steps[0].state, [0.1, 0, 0, 0])
        XCTAssertEqual(rollout.steps.count, 2)
    }

    func testCaptionBandKeepsOneHeight() throws {
        let captions = try CaptionRenderer()
        let rollout = try runRollout(
            environment: try cartPole(seed: 2), maximumSteps: 12, frames: .captioned(captions),
            action: balance)
        let heights = Set(rollout.frames.map(\.height))
        XCTAssertEqual(heights.count, 1)
        XCTAssertGreaterThan(heights.first!, 400)
        XCTAssertEqual(rollout.frames[0].width, 600)
    }

    func testCaptionedSceneMatchesPlainScene() throws {
        let captions = try CaptionRenderer()
        let captioned = try runRollout(
            environment: try cartPole(seed: 4), maximumSteps: 2, frames: .captioned(captions),
            action: balance)
        let plain = try runRollout(
            environment: try cartPole(seed: 4), maximumSteps: 2, frames: .plain, action: balance)
        let bandBytes = (captioned.frames[0].height - 400) * 600 * 3
        XCTAssertEqual(Array(captioned.frames[2].pixels[bandBytes...]), plain.frames[2].pixels)
    }

    func testCaptionBandContainsText() throws {
        let band = try CaptionRenderer().band(lines: ["CartPole-v1 return 12.00"], width: 300)
        XCTAssertTrue(band.pixels.contains { $0 < 128 }, "no dark text pixels")
        XCTAssertEqual(band[0, 0], .white)
    }

    func testMissingFontThrows() {
        XCTAssertThrowsError(try CaptionRenderer(fontPath: "/nonexistent/font.ttf")) { error in
            guard case .fontUnavailable(let path, _)? = error as? RenderingError
            else { return XCTFail("unexpected error \(error)") }
            XCTAssertEqual(path, "/nonexistent/font.ttf")
        }
    }

    // MARK: - File names

    func testFileStemAtDefaultContext() {
        let stem = renderFileStem(
            kind: .cartpole, context: EnvironmentKind.cartpole.contextSpace.defaultContext,
            episode: 0)
        XCTAssertEqual(stem, "cartpole_length-0.5_ep0")
    }

    func testFileStemListsChangedFeatures() throws {
        let context = try EnvironmentKind.cartpole.contextSpace.context(
            overriding: ["gravity": 20, "length": 1])
        XCTAssertEqual(
            renderFileStem(kind: .cartpole, context: context, episode: 3),
            "cartpole_gravity-20_length-1_ep3")
    }

    func testFormatNumberDropsTrailingZero() {
        XCTAssertEqual(formatNumber(10), "10")
        XCTAssertEqual(formatNumber(0.0025), "0.0025")
        XCTAssertEqual(formatNumber(-0.05), "-0.05")
    }
}

final class LiveWindowTests: XCTestCase {
    func testWindowPlaysOnDummyDriver() throws {
        let frames = [
            Frame(width: 40, height: 30, color: .white),
            Frame(width: 40, height: 30, color: .black),
        ]
        let start = Date()
        try LiveWindow.play(frames, framesPerSecond: 20, title: "test", videoDriver: "dummy")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.09)
    }

    func testWindowRejectsNoFrames() {
        XCTAssertThrowsError(
            try LiveWindow.play([], framesPerSecond: 20, title: "test", videoDriver: "dummy")
        ) { error in
            XCTAssertEqual(error as? RenderingError, .noFrames)
        }
    }
}
