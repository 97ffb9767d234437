import Neural
import Numerics
import XCTest

@testable import Adapters

final class LoRALinearTests: XCTestCase {
    func testPlaceholder() {}
}
