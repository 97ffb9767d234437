/// An error from drawing, encoding or decoding an image.
///
/// Each case carries the failing C library's own message, so that the CLI can show it.
public enum RenderingError: Error, Equatable, CustomStringConvertible {
    /// An SDL2 or SDL2_ttf call failed; `message` is `SDL_GetError()`.
    case sdlFailed(call: String, message: String)
    /// The TrueType font for captions could not be opened.
    case fontUnavailable(path: String, message: String)
    /// libpng could not write `path`; `message` is `png_image.message`.
    case pngWriteFailed(path: String, message: String)
    /// libpng could not read `path`; `message` is `png_image.message`.
    case pngReadFailed(path: String, message: String)
    /// giflib could not write `path`; `message` is `GifErrorString` of the error code.
    case gifWriteFailed(path: String, message: String)
    /// giflib could not read `path`; `message` is `GifErrorString` of the error code.
    case gifReadFailed(path: String, message: String)
    /// The frames of one animation differ in size.
    case frameSizeMismatch(
        index: Int, width: Int, height: Int, expectedWidth: Int,
        expectedHeight: Int)
    /// An animation was requested with no frames.
    case noFrames
    /// A window was requested but neither `DISPLAY` nor `WAYLAND_DISPLAY` is set.
    case noDisplay
    /// The state to draw has the wrong number of components or a value that is not finite.
    case invalidState(environment: String, values: [Double], expected: Int)

    public var description: String {
        switch self {
        case .sdlFailed(let call, let message):
            return "SDL call \(call) failed: \(message)"
        case .fontUnavailable(let path, let message):
            return "cannot open the caption font \(path): \(message); install the Debian "
                + "package fonts-dejavu-core or render without captions"
        case .pngWriteFailed(let path, let message):
            return "writing PNG file \(path) failed: \(message)"
        case .pngReadFailed(let path, let message):
            return "reading PNG file \(path) failed: \(message)"
        case .gifWriteFailed(let path, let message):
            return "writing GIF file \(path) failed: \(message)"
        case .gifReadFailed(let path, let message):
            return "reading GIF file \(path) failed: \(message)"
        case .frameSizeMismatch(
            let index, let width, let height, let expectedWidth,
            let expectedHeight):
            return "frame \(index) is \(width)x\(height) but the animation is "
                + "\(expectedWidth)x\(expectedHeight); give frames of one size"
        case .noFrames:
            return "an animation needs at least one frame"
        case .noDisplay:
            return "no display is available (DISPLAY and WAYLAND_DISPLAY are unset); "
                + "write PNG or GIF files instead of opening a window"
        case .invalidState(let environment, let values, let expected):
            let listed = values.map { "\($0)" }.joined(separator: ", ")
            return "cannot draw \(environment) state [\(listed)]; give \(expected) finite numbers"
        }
    }
}
