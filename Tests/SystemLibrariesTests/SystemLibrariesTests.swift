import CBLAS
import CPNG
import CSDL2
import CSQLite
import XCTest

/// Checks that each C library links and answers, so that a missing Debian package shows up as
/// one named failure instead of a confusing error elsewhere.
final class SystemLibrariesTests: XCTestCase {
    func testOpenBLASComputesDot() {
        let x: [Float] = [1, 2, 3]
        let y: [Float] = [4, 5, 6]
        XCTAssertEqual(cblas_sdot(3, x, 1, y, 1), 32)
    }

    func testSQLiteIsVersionThree() {
        XCTAssertEqual(sqlite3_libversion_number() / 1_000_000, 3)
    }

    func testSDL2IsVersionTwo() {
        var version = SDL_version()
        SDL_GetVersion(&version)
        XCTAssertEqual(version.major, 2)
    }

    func testLibPNGIsVersionOneSix() {
        XCTAssertEqual(png_access_version_number() / 100, 106)
    }
}
