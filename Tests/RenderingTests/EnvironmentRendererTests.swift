import Environments
import XCTest

@testable import Rendering

final class EnvironmentRendererTests: XCTestCase {
    private let poleColor = RGBColor(red: 202, green: 152, blue: 101)

    private func cartPoleFrame(state: [Double], length: Double = 0.5) throws -> Frame {
        let context = try EnvironmentKind.cartpole.contextSpace.context(
            overriding: ["length": length])
        return try EnvironmentRenderer(kind: .cartpole, context: context).render(state: state)
    }

    /// Returns the rows of `column` that have `color`, top to bottom.
    private func rows(of color: RGBColor, in frame: Frame, column: Int) -> [Int] {
        (0..<frame.height).filter { frame[$0, column] == color }
    }

    /// Returns the columns of `row` that have `color`, left to right.
    private func columns(of color: RGBColor, in frame: Frame, row: Int) -> [Int] {
        (0..<frame.width).filter { frame[row, $0] == color }
    }

    // MARK: - CartPole

    func testCartPoleFrameHasGymnasiumSize() throws {
        let frame = try cartPoleFrame(state: [0, 0, 0, 0])
        XCTAssertEqual(frame.height, 400)
        XCTAssertEqual(frame.width, 600)
        XCTAssertEqual(frame.pixels.count, 400 * 600 * 3)
    }

    func testCartPolePoleSpansRows172To297() throws {
        let frame = try cartPoleFrame(state: [0, 0, 0, 0])
        // Column 298 lies inside the 10-pixel pole; the axle covers part of its middle.
        let poleRows = rows(of: poleColor, in: frame, column: 298)
        XCTAssertEqual(poleRows.first, 172)
        XCTAssertEqual(poleRows.last, 297)
        XCTAssertEqual(poleRows.last! - poleRows.first! + 1, 126)
    }

    func testCartPolePoleIsElevenPixelsWide() throws {
        let frame = try cartPoleFrame(state: [0, 0, 0, 0])
        let poleColumns = columns(of: poleColor, in: frame, row: 200)
        XCTAssertEqual(poleColumns.first, 295)
        XCTAssertEqual(poleColumns.last, 305)
    }

    func testCartPolePoleLengthFollowsContext() throws {
        for length in [0.25, 0.5, 1.0, 1.1] {
            let frame = try cartPoleFrame(state: [0, 0, 0, 0], length: length)
            let poleRows = rows(of: poleColor, in: frame, column: 298)
            let extent = Double(poleRows.last! - poleRows.first!)
            // Gymnasium draws 2 * length * 125 pixels; above length 1.19 the pole leaves the
            // 400-pixel canvas.
            XCTAssertEqual(extent, 250 * length, accuracy: 1, "length \(length)")
        }
    }

    func testCartPoleCartMoves125PixelsPerMetre() throws {
        // Row 309 crosses the cart 10 pixels below its top edge, clear of track and pole.
        func cartCentre(x: Double) throws -> Double {
            let frame = try cartPoleFrame(state: [x, 0, 0, 0])
            let cart = columns(of: .black, in: frame, row: 309)
            return Double(cart.first! + cart.last!) / 2
        }
        let centre = try cartCentre(x: 0)
        XCTAssertEqual(centre, 300)
        XCTAssertEqual(try cartCentre(x: 1) - centre, 125)
        XCTAssertEqual(try cartCentre(x: -1.5) - centre, -187.5, accuracy: 1)
    }

    func testCartPoleTrackIsBlackRow299() throws {
        let frame = try cartPoleFrame(state: [0, 0, 0, 0])
        XCTAssertEqual(columns(of: .black, in: frame, row: 299).count, 600)
        XCTAssertEqual(frame[0, 0], .white)
        XCTAssertEqual(frame[399, 599], .white)
    }

    func testCartPoleAxleHasGymnasiumColour() throws {
        let frame = try cartPoleFrame(state: [0, 0, 0, 0])
        // The axle sits 7.5 pixels above the track centre: surface row 107, frame row 292.
        XCTAssertEqual(frame[292, 300], RGBColor(red: 129, green: 132, blue: 203))
    }

    func testCartPolePositiveAngleLeansRight() throws {
        let frame = try cartPoleFrame(state: [0, 0, 0.2, 0])
        let poleColumns = columns(of: poleColor, in: frame, row: 180)
        XCTAssertFalse(poleColumns.isEmpty)
        XCTAssertGreaterThan(poleColumns.first!, 305)
    }

    func testCartPoleFarStateDrawsWithoutTrapping() throws {
        let frame = try cartPoleFrame(state: [1e9, 0, 3, 0])
        XCTAssertEqual(frame[0, 0], .white)
    }

    func testRenderRejectsWrongStateSize() throws {
        let renderer = try EnvironmentRenderer(
            kind: .cartpole, context: EnvironmentKind.cartpole.contextSpace.defaultContext)
        XCTAssertThrowsError(try renderer.render(state: [0, 0])) { error in
            XCTAssertEqual(
                error as? RenderingError,
                .invalidState(environment: "cartpole", values: [0, 0], expected: 4))
        }
    }

    func testRenderRejectsNonFiniteState() throws {
        let renderer = try EnvironmentRenderer(
            kind: .cartpole, context: EnvironmentKind.cartpole.contextSpace.defaultContext)
        XCTAssertThrowsError(try renderer.render(state: [0, .nan, 0, 0]))
    }

    // MARK: - Other environments

    func testEveryKindDrawsAtCanvasSize() throws {
        for kind in EnvironmentKind.allCases {
            let environment = try kind.makeSingleEnvironment(
                context: kind.contextSpace.defaultContext, seed: 1)
            let state = try environment.reset(state: nil).state
            let frame = try EnvironmentRenderer(
                kind: kind, context: kind.contextSpace.defaultContext
            ).render(state: state)
            XCTAssertEqual(frame.width, kind.canvasSize.width, kind.rawValue)
            XCTAssertEqual(frame.height, kind.canvasSize.height, kind.rawValue)
            XCTAssertNotEqual(Set(frame.pixels).count, 1, "\(kind.rawValue) frame is blank")
        }
    }

    func testMountainCarFlagFollowsGoalPosition() throws {
        let flagColor = RGBColor(red: 204, green: 204, blue: 0)
        func flagColumn(goal: Double) throws -> Int {
            let context = try EnvironmentKind.mountainCar.contextSpace.context(
                overriding: ["goal_position": goal])
            let frame = try EnvironmentRenderer(kind: .mountainCar, context: context)
                .render(state: [-0.5, 0])
            let columns = (0..<frame.height).flatMap { row in
                (0..<frame.width).filter { frame[row, $0] == flagColor }
            }
            return columns.min()!
        }
        // 600 pixels span the 1.8 units from -1.2 to 0.6.
        XCTAssertEqual(try flagColumn(goal: 0.5), Int((0.5 + 1.2) * 600 / 1.8))
        XCTAssertEqual(try flagColumn(goal: 0.2), Int((0.2 + 1.2) * 600 / 1.8))
    }

    func testPendulumRodLengthFollowsContext() throws {
        let rodColor = RGBColor(red: 204, green: 77, blue: 77)
        func rodTop(length: Double) throws -> Int {
            let context = try EnvironmentKind.pendulum.contextSpace.context(
                overriding: ["l": length])
            // Angle 0 points the rod straight up from the centre.
            let frame = try EnvironmentRenderer(kind: .pendulum, context: context)
                .render(state: [0, 0])
            return rows(of: rodColor, in: frame, column: 250).first!
        }
        let scale = 500 / 4.4
        let endCapRadius = Double(Int(0.1 * scale))
        for length in [0.5, 1.0] {
            let reach = Double(249 - (try rodTop(length: length)))
            XCTAssertEqual(reach, length * scale + endCapRadius, accuracy: 2, "l \(length)")
        }
    }

    func testAcrobotLinksHangDownAtZeroState() throws {
        let linkColor = RGBColor(red: 0, green: 204, blue: 204)
        let frame = try EnvironmentRenderer(
            kind: .acrobot, context: EnvironmentKind.acrobot.contextSpace.defaultContext
        ).render(state: [0, 0, 0, 0])
        let linkRows = rows(of: linkColor, in: frame, column: 250)
        XCTAssertFalse(linkRows.isEmpty)
        XCTAssertGreaterThan(linkRows.first!, 250)
    }
}
