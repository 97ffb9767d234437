import CSDL2

/// An offscreen RGB surface that SDL2's software renderer draws on.
///
/// The canvas needs no display and no GPU: `SDL_CreateSoftwareRenderer` draws straight into
/// the memory of an `SDL_Surface`, and neither call needs `SDL_Init(SDL_INIT_VIDEO)`, so the
/// video subsystem is never started. Coordinates are pixels with y growing downwards, as in
/// SDL and pygame. One canvas owns one surface and one renderer and frees both in `deinit`.
final class SoftwareCanvas {
    let width: Int
    let height: Int
    private let surface: UnsafeMutablePointer<SDL_Surface>
    /// The `SDL_Renderer *`, which Swift imports as an opaque pointer.
    let renderer: OpaquePointer

    /// Creates a canvas of `width` x `height` pixels.
    ///
    /// - Throws: `RenderingError.sdlFailed` when SDL cannot allocate the surface or the
    ///   renderer.
    init(width: Int, height: Int) throws {
        precondition(width > 0 && height > 0, "canvas size \(width)x\(height) is not positive")
        guard
            let surface = SDL_CreateRGBSurfaceWithFormat(
                0, Int32(width), Int32(height), 32, SDL_PIXELFORMAT_RGB888.rawValue)
        else {
            throw RenderingError.sdlFailed(
                call: "SDL_CreateRGBSurfaceWithFormat", message: sdlErrorMessage())
        }
        guard let renderer = SDL_CreateSoftwareRenderer(surface) else {
            let message = sdlErrorMessage()
            SDL_FreeSurface(surface)
            throw RenderingError.sdlFailed(call: "SDL_CreateSoftwareRenderer", message: message)
        }
        self.width = width
        self.height = height
        self.surface = surface
        self.renderer = renderer
    }

    deinit {
        SDL_DestroyRenderer(renderer)
        SDL_FreeSurface(surface)
    }

    // MARK: - Drawing

    /// Fills the whole canvas with `color`.
    func clear(_ color: RGBColor) {
        setColor(color)
        SDL_RenderClear(renderer)
    }

    /// Draws the line between two pixels, both included.
    func drawLine(x1: Int, y1: Int, x2: Int, y2: Int, color: RGBColor) {
        setColor(color)
        SDL_RenderDrawLine(renderer, Int32(x1), Int32(y1), Int32(x2), Int32(y2))
    }

    /// Draws connected line segments through `points`, each rounded to the nearest pixel.
    func drawPolyline(_ points: [(x: Double, y: Double)], color: RGBColor) {
        guard points.count >= 2 else { return }
        setColor(color)
        let pixels = points.map { SDL_Point(x: Int32($0.x.rounded()), y: Int32($0.y.rounded())) }
        pixels.withUnsafeBufferPointer { buffer in
            _ = SDL_RenderDrawLines(renderer, buffer.baseAddress, Int32(buffer.count))
        }
    }

    /// Fills horizontal runs of pixels; each span covers `x1...x2` in row `y`.
    func fillSpans(_ spans: [(y: Int, x1: Int, x2: Int)], color: RGBColor) {
        guard !spans.isEmpty else { return }
        setColor(color)
        let rectangles = spans.map { span in
            let left = min(span.x1, span.x2)
            let right = max(span.x1, span.x2)
            return SDL_Rect(x: Int32(left), y: Int32(span.y), w: Int32(right - left + 1), h: 1)
        }
        rectangles.withUnsafeBufferPointer { buffer in
            _ = SDL_RenderFillRects(renderer, buffer.baseAddress, Int32(buffer.count))
        }
    }

    /// Copies an ARGB surface, such as rendered text, with its alpha channel blended.
    ///
    /// - Throws: `RenderingError.sdlFailed` when SDL cannot make a texture of it.
    func blend(_ image: UnsafeMutablePointer<SDL_Surface>, x: Int, y: Int) throws {
        guard let texture = SDL_CreateTextureFromSurface(renderer, image) else {
            throw RenderingError.sdlFailed(
                call: "SDL_CreateTextureFromSurface", message: sdlErrorMessage())
        }
        defer { SDL_DestroyTexture(texture) }
        SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND)
        var target = SDL_Rect(x: Int32(x), y: Int32(y), w: image.pointee.w, h: image.pointee.h)
        guard SDL_RenderCopy(renderer, texture, nil, &target) == 0 else {
            throw RenderingError.sdlFailed(call: "SDL_RenderCopy", message: sdlErrorMessage())
        }
    }

    // MARK: - Reading

    /// Reads the canvas as a frame, optionally with its rows in reverse order.
    ///
    /// Gymnasium draws with y growing downwards and then flips the picture vertically, so
    /// scene drawings read back with `flippedVertically: true`.
    ///
    /// - Throws: `RenderingError.sdlFailed` when `SDL_RenderReadPixels` fails.
    func frame(flippedVertically: Bool) throws -> Frame {
        let rowBytes = width * 3
        var pixels = [UInt8](repeating: 0, count: rowBytes * height)
        // SDL_RenderReadPixels flushes the renderer's queued drawing before it reads.
        let status = pixels.withUnsafeMutableBytes { buffer in
            SDL_RenderReadPixels(
                renderer, nil, SDL_PIXELFORMAT_RGB24.rawValue, buffer.baseAddress,
                Int32(rowBytes))
        }
        guard status == 0 else {
            throw RenderingError.sdlFailed(call: "SDL_RenderReadPixels", message: sdlErrorMessage())
        }
        guard flippedVertically else {
            return Frame(width: width, height: height, pixels: pixels)
        }
        var flipped = [UInt8](repeating: 0, count: pixels.count)
        for row in 0..<height {
            let source = row * rowBytes
            let target = (height - 1 - row) * rowBytes
            flipped[target..<(target + rowBytes)] = pixels[source..<(source + rowBytes)]
        }
        return Frame(width: width, height: height, pixels: flipped)
    }

    private func setColor(_ color: RGBColor) {
        SDL_SetRenderDrawColor(renderer, color.red, color.green, color.blue, 255)
    }
}

/// Returns the calling thread's last SDL error message.
func sdlErrorMessage() -> String {
    guard let message = SDL_GetError() else { return "unknown SDL error" }
    let text = String(cString: message)
    return text.isEmpty ? "unknown SDL error" : text
}
