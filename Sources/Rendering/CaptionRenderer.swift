import CSDL2
import CSDL2TTF

/// Draws caption text with SDL2_ttf and a TrueType font, black on a white band.
///
/// One renderer owns one open font and one reference to SDL2_ttf's library state, and
/// releases both in `deinit`. SDL2_ttf counts `TTF_Init` calls without a lock, so create and
/// release renderers from one thread at a time.
public final class CaptionRenderer {
    /// The DejaVu Sans font from Debian's `fonts-dejavu-core` package.
    public static let defaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    /// The font size in points, which SDL2_ttf renders at 72 dots per inch, so one point is
    /// one pixel.
    public let pointSize: Int
    /// The distance between the baselines of two lines, in pixels.
    public let lineHeight: Int
    /// The blank margin around the text, in pixels.
    public let padding = 4
    /// The `TTF_Font *`, which Swift imports as an opaque pointer.
    private let font: OpaquePointer

    /// Opens the font at `fontPath`.
    ///
    /// - Throws: `RenderingError.sdlFailed` when SDL2_ttf cannot start, and
    ///   `RenderingError.fontUnavailable` when the font file is missing or unreadable.
    public init(fontPath: String = CaptionRenderer.defaultFontPath, pointSize: Int = 13) throws {
        guard TTF_Init() == 0 else {
            throw RenderingError.sdlFailed(call: "TTF_Init", message: sdlErrorMessage())
        }
        guard let font = TTF_OpenFont(fontPath, Int32(pointSize)) else {
            let message = sdlErrorMessage()
            TTF_Quit()
            throw RenderingError.fontUnavailable(path: fontPath, message: message)
        }
        self.font = font
        self.pointSize = pointSize
        self.lineHeight = Int(TTF_FontLineSkip(font))
    }

    deinit {
        TTF_CloseFont(font)
        TTF_Quit()
    }

    /// Returns the width of `text` in pixels.
    public func textWidth(_ text: String) -> Int {
        var width: Int32 = 0
        var height: Int32 = 0
        guard TTF_SizeUTF8(font, text, &width, &height) == 0 else { return 0 }
        return Int(width)
    }

    /// Joins `items` with `separator` into as few lines as fit in `width` pixels, minus
    /// the padding, without splitting an item.
    ///
    /// An item wider than the whole line gets a line of its own and is cut off when drawn.
    public func wrap(_ items: [String], separator: String = ", ", width: Int) -> [String] {
        let available = width - 2 * padding
        var lines: [String] = []
        var current = ""
        for item in items {
            let candidate = current.isEmpty ? item : current + separator + item
            if current.isEmpty || textWidth(candidate) <= available {
                current = candidate
            } else {
                lines.append(current)
                current = item
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Draws `lines` top to bottom on a white band of `width` pixels.
    ///
    /// - Returns: A frame `lines.count * lineHeight + 2 * padding` pixels high.
    /// - Throws: `RenderingError.sdlFailed` when SDL2 or SDL2_ttf fails.
    public func band(lines: [String], width: Int) throws -> Frame {
        let height = max(lines.count, 1) * lineHeight + 2 * padding
        let canvas = try SoftwareCanvas(width: width, height: height)
        canvas.clear(.white)
        let black = SDL_Color(r: 0, g: 0, b: 0, a: 255)
        for (index, line) in lines.enumerated() where !line.isEmpty {
            guard let text = TTF_RenderUTF8_Blended(font, line, black) else {
                throw RenderingError.sdlFailed(
                    call: "TTF_RenderUTF8_Blended", message: sdlErrorMessage())
            }
            defer { SDL_FreeSurface(text) }
            try canvas.blend(text, x: padding, y: padding + index * lineHeight)
        }
        return try canvas.frame(flippedVertically: false)
    }
}
