import Environments
import XCTest

@testable import Rendering

/// Compares frames with facts measured on Gymnasium 1.4.0's own frames (pygame 2.6.1,
/// `render_mode="rgb_array"`, default contexts, the state set on `env.unwrapped.state`).
///
/// Each case gives the bounding box (first and last row and column) of the pixels that have
/// exactly one colour, and for shapes that Gymnasium's antialiased outline leaves untouched,
/// their count. Outline pixels are blends in Gymnasium and are not drawn here, so counts of
/// tilted shapes are left out.
final class GymnasiumReferenceTests: XCTestCase {
    private struct Reference {
        let kind: EnvironmentKind
        let state: [Double]
        let color: RGBColor
        let rows: ClosedRange<Int>
        let columns: ClosedRange<Int>
        let count: Int?
    }

    private static let pole = RGBColor(red: 202, green: 152, blue: 101)
    private static let axle = RGBColor(red: 129, green: 132, blue: 203)
    private static let rod = RGBColor(red: 204, green: 77, blue: 77)
    private static let joint = RGBColor(red: 204, green: 204, blue: 0)

    private let references = [
        Reference(
            kind: .cartpole, state: [0, 0, 0, 0], color: .black, rows: 284...314,
            columns: 0...599, count: 1976),
        Reference(
            kind: .cartpole, state: [0, 0, 0, 0], color: pole, rows: 172...297,
            columns: 295...305, count: nil),
        Reference(
            kind: .cartpole, state: [0, 0, 0, 0], color: axle, rows: 287...297,
            columns: 295...305, count: 89),
        Reference(
            kind: .cartpole, state: [0.4, 0, 0.15, 0], color: pole, rows: 173...298,
            columns: 344...372, count: nil),
        Reference(
            kind: .cartpole, state: [0.4, 0, 0.15, 0], color: axle, rows: 287...297,
            columns: 345...355, count: 89),
        Reference(
            kind: .pendulum, state: [0.6, 0], color: rod, rows: 145...260, columns: 174...261,
            count: nil),
        Reference(
            kind: .pendulum, state: [0.6, 0], color: .black, rows: 244...254,
            columns: 245...255, count: 89),
        Reference(
            kind: .acrobot, state: [0.5, 0.8, 0, 0], color: joint, rows: 238...360,
            columns: 239...315, count: 786),
        Reference(
            kind: .mountainCar, state: [-0.5, 0], color: joint, rows: 17...27,
            columns: 566...591, count: 136),
    ]

    func testShapesMatchGymnasiumFrames() throws {
        for reference in references {
            let label = "\(reference.kind.rawValue) \(reference.state) \(reference.color)"
            let frame = try EnvironmentRenderer(
                kind: reference.kind, context: reference.kind.contextSpace.defaultContext
            ).render(state: reference.state)

            var rows: [Int] = []
            var columns: [Int] = []
            for row in 0..<frame.height {
                for column in 0..<frame.width where frame[row, column] == reference.color {
                    rows.append(row)
                    columns.append(column)
                }
            }
            XCTAssertEqual(rows.min(), reference.rows.lowerBound, label)
            XCTAssertEqual(rows.max(), reference.rows.upperBound, label)
            XCTAssertEqual(columns.min(), reference.columns.lowerBound, label)
            XCTAssertEqual(columns.max(), reference.columns.upperBound, label)
            if let count = reference.count {
                XCTAssertEqual(rows.count, count, label)
            }
        }
    }
}
