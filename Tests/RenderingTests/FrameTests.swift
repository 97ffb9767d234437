import XCTest

@testable import Rendering

final class FrameTests: XCTestCase {
    func testFilledFrameHasColourEverywhere() {
        let color = RGBColor(red: 1, green: 2, blue: 3)
        let frame = Frame(width: 4, height: 3, color: color)
        XCTAssertEqual(frame.pixels.count, 36)
        XCTAssertEqual(frame[2, 3], color)
    }

    func testSubscriptWritesOnePixel() {
        var frame = Frame(width: 2, height: 2, color: .white)
        frame[1, 0] = .black
        XCTAssertEqual(Array(frame.pixels[6..<9]), [0, 0, 0])
        XCTAssertEqual(frame[0, 0], .white)
    }

    func testStackingPutsOtherBelow() {
        let top = Frame(width: 2, height: 1, color: .white)
        let bottom = Frame(width: 2, height: 2, color: .black)
        let stacked = top.stacked(above: bottom)
        XCTAssertEqual(stacked.height, 3)
        XCTAssertEqual(stacked[0, 1], .white)
        XCTAssertEqual(stacked[2, 1], .black)
    }
}
