import CSDL2
import Foundation

/// A desktop window that plays frames, for watching a rollout live.
///
/// Unlike frame drawing, which never starts SDL's video subsystem, a window needs it and a
/// display. The CLI should check `isDisplayAvailable` and write files when it is false.
public enum LiveWindow {
    /// Whether the environment names an X11 or Wayland display (`DISPLAY` or
    /// `WAYLAND_DISPLAY`).
    public static var isDisplayAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        return !(environment["DISPLAY"] ?? "").isEmpty
            || !(environment["WAYLAND_DISPLAY"] ?? "").isEmpty
    }

    /// Shows `frames` one after another at `framesPerSecond` in a window titled `title`, then
    /// closes the window.
    ///
    /// Closing the window or pressing Escape stops early. The call blocks until the last
    /// frame has been shown for one frame interval.
    ///
    /// - Parameters:
    ///   - videoDriver: An SDL video driver to use instead of SDL's choice, such as `"x11"`,
    ///     or `"dummy"`, which shows nothing and serves tests. With nil a display is required.
    /// - Throws: `RenderingError.noFrames`, `.frameSizeMismatch`, `.noDisplay` when no display
    ///   is named and no driver is given, and `.sdlFailed` when SDL cannot open the window.
    public static func play(
        _ frames: [Frame], framesPerSecond: Int, title: String, videoDriver: String? = nil
    ) throws {
        let (width, height) = try commonSize(of: frames)
        precondition(framesPerSecond > 0, "frame rate \(framesPerSecond) is not positive")
        guard videoDriver != nil || isDisplayAvailable else { throw RenderingError.noDisplay }

        if let videoDriver { SDL_SetHint(SDL_HINT_VIDEODRIVER, videoDriver) }
        defer { if videoDriver != nil { SDL_ResetHint(SDL_HINT_VIDEODRIVER) } }
        guard SDL_InitSubSystem(UInt32(SDL_INIT_VIDEO)) == 0 else {
            throw RenderingError.sdlFailed(call: "SDL_InitSubSystem", message: sdlErrorMessage())
        }
        defer { SDL_QuitSubSystem(UInt32(SDL_INIT_VIDEO)) }

        // SDL_WINDOWPOS_CENTERED is a function-like macro, which Swift does not import.
        let centered = Int32(bitPattern: 0x2FFF_0000)
        guard
            let window = SDL_CreateWindow(
                title, centered, centered, Int32(width), Int32(height),
                SDL_WINDOW_SHOWN.rawValue)
        else {
            throw RenderingError.sdlFailed(call: "SDL_CreateWindow", message: sdlErrorMessage())
        }
        defer { SDL_DestroyWindow(window) }
        guard let renderer = SDL_CreateRenderer(window, -1, 0) else {
            throw RenderingError.sdlFailed(call: "SDL_CreateRenderer", message: sdlErrorMessage())
        }
        defer { SDL_DestroyRenderer(renderer) }
        guard
            let texture = SDL_CreateTexture(
                renderer, SDL_PIXELFORMAT_RGB24.rawValue,
                Int32(SDL_TEXTUREACCESS_STREAMING.rawValue), Int32(width), Int32(height))
        else {
            throw RenderingError.sdlFailed(call: "SDL_CreateTexture", message: sdlErrorMessage())
        }
        defer { SDL_DestroyTexture(texture) }

        let start = SDL_GetTicks64()
        for (index, frame) in frames.enumerated() {
            if stopRequested() { return }
            frame.pixels.withUnsafeBytes { bytes in
                _ = SDL_UpdateTexture(texture, nil, bytes.baseAddress, Int32(width * 3))
            }
            SDL_RenderClear(renderer)
            SDL_RenderCopy(renderer, texture, nil, nil)
            SDL_RenderPresent(renderer)

            // Schedule against the start time so that slow frames do not accumulate drift.
            let due = start + UInt64(index + 1) * 1000 / UInt64(framesPerSecond)
            let now = SDL_GetTicks64()
            if due > now { SDL_Delay(UInt32(due - now)) }
        }
    }

    /// Drains the event queue and returns whether the user closed the window or pressed
    /// Escape.
    private static func stopRequested() -> Bool {
        var event = SDL_Event()
        while SDL_PollEvent(&event) != 0 {
            if event.type == SDL_QUIT.rawValue { return true }
            if event.type == SDL_KEYDOWN.rawValue
                && event.key.keysym.sym == Int32(SDLK_ESCAPE.rawValue)
            {
                return true
            }
        }
        return false
    }
}

/// Returns the size shared by all `frames`.
///
/// - Throws: `RenderingError.noFrames` for an empty list and
///   `RenderingError.frameSizeMismatch` for the first frame of another size.
func commonSize(of frames: [Frame]) throws -> (width: Int, height: Int) {
    guard let first = frames.first else { throw RenderingError.noFrames }
    for (index, frame) in frames.enumerated()
    where frame.width != first.width || frame.height != first.height {
        throw RenderingError.frameSizeMismatch(
            index: index, width: frame.width, height: frame.height,
            expectedWidth: first.width, expectedHeight: first.height)
    }
    return (first.width, first.height)
}
