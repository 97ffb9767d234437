import CGIF
import Environments
import Foundation
import XCTest

@testable import Rendering

final class ImageFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("ctxrl-rendering-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    private func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// Returns CartPole frames along a short swing, which use only four colours.
    private func cartPoleFrames(count: Int) throws -> [Frame] {
        let renderer = try EnvironmentRenderer(
            kind: .cartpole, context: EnvironmentKind.cartpole.contextSpace.defaultContext)
        return try (0..<count).map { index in
            try renderer.render(state: [Double(index) * 0.1, 0, Double(index) * 0.03, 0])
        }
    }

    /// Returns a frame with smooth colour gradients, which uses far more than 256 colours.
    private func gradientFrame(width: Int = 64, height: Int = 48) -> Frame {
        var frame = Frame(width: width, height: height, color: .black)
        for row in 0..<height {
            for column in 0..<width {
                frame[row, column] = RGBColor(
                    red: UInt8(column * 255 / (width - 1)), green: UInt8(row * 255 / (height - 1)),
                    blue: UInt8((row + column) % 256))
            }
        }
        return frame
    }

    // MARK: - PNG

    func testPNGRoundTripKeepsBytes() throws {
        let frame = try cartPoleFrames(count: 1)[0]
        try frame.writePNG(to: path("frame.png"))
        XCTAssertEqual(try Frame.readPNG(from: path("frame.png")), frame)
    }

    func testPNGRoundTripKeepsGradient() throws {
        let frame = gradientFrame()
        try frame.writePNG(to: path("gradient.png"))
        XCTAssertEqual(try Frame.readPNG(from: path("gradient.png")), frame)
    }

    func testPNGDataStartsWithSignature() throws {
        let data = try gradientFrame().pngData()
        XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    func testPNGDataMatchesFileBytes() throws {
        let frame = gradientFrame()
        try frame.writePNG(to: path("gradient.png"))
        let fileBytes = try Data(contentsOf: URL(fileURLWithPath: path("gradient.png")))
        XCTAssertEqual(try frame.pngData(), fileBytes)
    }

    func testPNGReadOfMissingFileThrows() {
        XCTAssertThrowsError(try Frame.readPNG(from: path("missing.png"))) { error in
            guard case .pngReadFailed(let failedPath, let message)? = error as? RenderingError
            else { return XCTFail("unexpected error \(error)") }
            XCTAssertEqual(failedPath, self.path("missing.png"))
            XCTAssertFalse(message.isEmpty)
        }
    }

    func testPNGWriteIntoMissingFolderThrows() {
        let target = path("no-such-folder/frame.png")
        XCTAssertThrowsError(try gradientFrame().writePNG(to: target)) { error in
            guard case .pngWriteFailed? = error as? RenderingError
            else { return XCTFail("unexpected error \(error)") }
        }
    }

    // MARK: - GIF

    func testGIFDecodesToWrittenFramesExactly() throws {
        let frames = try cartPoleFrames(count: 6)
        let exact = try AnimatedGIF.write(frames, framesPerSecond: 50, to: path("swing.gif"))
        XCTAssertTrue(exact)
        let animation = try AnimatedGIF.read(from: path("swing.gif"))
        XCTAssertEqual(animation.frames.count, frames.count)
        for (index, pair) in zip(animation.frames, frames).enumerated() {
            XCTAssertEqual(pair.0, pair.1, "frame \(index)")
        }
    }

    func testGIFDelaysFollowFrameRate() throws {
        let frames = try cartPoleFrames(count: 4)
        try AnimatedGIF.write(frames, framesPerSecond: 50, to: path("swing.gif"))
        XCTAssertEqual(try AnimatedGIF.read(from: path("swing.gif")).delays, [2, 2, 2, 2])
    }

    func testFrameDelaysKeepThirtyFramesPerSecond() {
        let delays = AnimatedGIF.frameDelays(count: 30, framesPerSecond: 30)
        XCTAssertEqual(delays.reduce(0, +), 100)
        XCTAssertEqual(Set(delays), [3, 4])
    }

    func testFrameDelaysAtFifteenFramesPerSecond() {
        XCTAssertEqual(AnimatedGIF.frameDelays(count: 3, framesPerSecond: 15), [7, 6, 7])
    }

    func testGIFHasLoopExtension() throws {
        try AnimatedGIF.write(try cartPoleFrames(count: 2), framesPerSecond: 50, to: path("a.gif"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("a.gif")))
        XCTAssertEqual(String(decoding: bytes.prefix(6), as: UTF8.self), "GIF89a")
        let loopBlock = Data("NETSCAPE2.0".utf8) + Data([3, 1, 0, 0])
        XCTAssertNotNil(bytes.range(of: loopBlock))
    }

    func testGIFDecodesWithGiflibSlurp() throws {
        let frames = try cartPoleFrames(count: 3)
        try AnimatedGIF.write(frames, framesPerSecond: 50, to: path("slurp.gif"))
        var error: Int32 = 0
        let handle = try XCTUnwrap(DGifOpenFileName(path("slurp.gif"), &error))
        defer { DGifCloseFile(handle, &error) }
        XCTAssertEqual(DGifSlurp(handle), GIF_OK)
        XCTAssertEqual(handle.pointee.ImageCount, 3)
        XCTAssertEqual(handle.pointee.SWidth, 600)
        XCTAssertEqual(handle.pointee.SHeight, 400)
        XCTAssertNotNil(handle.pointee.SColorMap)
    }

    func testGIFOfManyColoursStaysWithinQuantisationError() throws {
        let frame = gradientFrame()
        let exact = try AnimatedGIF.write([frame], framesPerSecond: 30, to: path("lossy.gif"))
        XCTAssertFalse(exact)
        let decoded = try AnimatedGIF.read(from: path("lossy.gif")).frames[0]
        let errors = zip(decoded.pixels, frame.pixels).map { abs(Int($0) - Int($1)) }
        let meanError = Double(errors.reduce(0, +)) / Double(errors.count)
        XCTAssertLessThan(meanError, 8)
        XCTAssertLessThanOrEqual(errors.max()!, 48)
    }

    func testGIFRejectsFramesOfDifferentSizes() {
        let frames = [gradientFrame(width: 8, height: 8), gradientFrame(width: 8, height: 9)]
        XCTAssertThrowsError(
            try AnimatedGIF.write(frames, framesPerSecond: 30, to: path("bad.gif"))
        ) { error in
            XCTAssertEqual(
                error as? RenderingError,
                .frameSizeMismatch(
                    index: 1, width: 8, height: 9, expectedWidth: 8, expectedHeight: 8))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad.gif")))
    }

    func testGIFRejectsNoFrames() {
        XCTAssertThrowsError(try AnimatedGIF.write([], framesPerSecond: 30, to: path("x.gif")))
    }

    // MARK: - Rollout files

    private func shortRollout(frames: RolloutFrames) throws -> Rollout {
        let environment = try EnvironmentKind.cartpole.makeSingleEnvironment(
            context: EnvironmentKind.cartpole.contextSpace.defaultContext, seed: 5)
        return try runRollout(
            environment: environment, maximumSteps: 3, frames: frames, action: { _ in 1 })
    }

    func testRolloutGIFIsNamedAfterRollout() throws {
        let path = try shortRollout(frames: .plain).writeGIF(inFolder: folder.path)
        XCTAssertEqual(path, self.path("cartpole_length-0.5_ep0.gif"))
        XCTAssertEqual(try AnimatedGIF.read(from: path).frames.count, 4)
    }

    func testRolloutPNGFramesSortByStep() throws {
        let paths = try shortRollout(frames: .plain).writePNGFrames(inFolder: folder.path)
        XCTAssertEqual(paths.count, 4)
        XCTAssertEqual(paths.first, path("cartpole_length-0.5_ep0_t0000.png"))
        XCTAssertEqual(paths, paths.sorted())
    }

    func testRolloutWithoutFramesWritesNoFiles() throws {
        let rollout = try shortRollout(frames: .none)
        XCTAssertThrowsError(try rollout.writePNGFrames(inFolder: folder.path))
        XCTAssertThrowsError(try rollout.writeGIF(inFolder: folder.path))
    }

    func testGIFReadOfMissingFileThrows() {
        XCTAssertThrowsError(try AnimatedGIF.read(from: path("missing.gif"))) { error in
            guard case .gifReadFailed? = error as? RenderingError
            else { return XCTFail("unexpected error \(error)") }
        }
    }
}
