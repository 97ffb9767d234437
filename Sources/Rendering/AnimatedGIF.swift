import CGIF
import Foundation

/// Animated GIF files through giflib 5.
///
/// Frames share one global palette (see `ColorQuantizer`): exact when the frames use at
/// most 256 colours, median cut otherwise. Every image covers the whole canvas and is left
/// in place (disposal method 1), and a NETSCAPE2.0 application extension sets the loop count.
public enum AnimatedGIF {
    /// The frames of a decoded GIF with the delay before each next frame.
    public struct Animation: Equatable, Sendable {
        /// The composed canvas after each image, row 0 at the top.
        public var frames: [Frame]
        /// The delay after each frame, in hundredths of a second.
        public var delays: [Int]
    }

    /// Returns the delay after each frame, in hundredths of a second, for a frame rate.
    ///
    /// GIF delays are whole hundredths, so each delay is the difference of rounded
    /// timestamps: at 30 frames per second the delays run 3, 4, 3, 3, 4, 3, ... and stay on
    /// the exact clock on average instead of drifting to 3 (33.3 frames per second).
    public static func frameDelays(count: Int, framesPerSecond: Int) -> [Int] {
        precondition(framesPerSecond > 0, "frame rate \(framesPerSecond) is not positive")
        func timestamp(_ index: Int) -> Int {
            Int((100 * Double(index) / Double(framesPerSecond)).rounded())
        }
        return (0..<count).map { max(timestamp($0 + 1) - timestamp($0), 1) }
    }

    /// Writes `frames` as an animated GIF.
    ///
    /// - Parameters:
    ///   - frames: One or more frames of one size.
    ///   - framesPerSecond: The playback rate; see `frameDelays(count:framesPerSecond:)`.
    ///   - loopCount: How often a viewer repeats the animation; 0 repeats it forever.
    ///   - path: The file to create or replace.
    /// - Returns: Whether the palette contains every colour exactly, so the file decodes to the
    ///   same frames.
    /// - Throws: `RenderingError.noFrames`, `RenderingError.frameSizeMismatch`, or
    ///   `RenderingError.gifWriteFailed` with giflib's message; a partly written file is
    ///   removed.
    @discardableResult
    public static func write(
        _ frames: [Frame], framesPerSecond: Int, loopCount: Int = 0, to path: String
    ) throws -> Bool {
        let (width, height) = try commonSize(of: frames)
        precondition((0...65535).contains(loopCount), "loop count \(loopCount) is not 16-bit")

        let quantizer = ColorQuantizer(frames: frames)
        let delays = frameDelays(count: frames.count, framesPerSecond: framesPerSecond)
        do {
            let writer = try GIFFileWriter(path: path)
            try writer.putScreen(width: width, height: height, palette: quantizer.palette)
            try writer.putLoopExtension(loopCount: loopCount)
            for (frame, delay) in zip(frames, delays) {
                try writer.putImage(
                    indices: quantizer.indices(of: frame), width: frame.width,
                    height: frame.height, delay: delay)
            }
            try writer.finish()
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return quantizer.isExact
    }

    /// Reads an animated GIF and composes each image onto the canvas.
    ///
    /// Transparent pixels keep the canvas below them, and disposal methods 2 (restore to the
    /// background colour) and 3 (restore the previous canvas) apply after each frame.
    ///
    /// - Throws: `RenderingError.gifReadFailed` with giflib's message.
    public static func read(from path: String) throws -> Animation {
        var error: Int32 = 0
        guard let handle = DGifOpenFileName(path, &error) else {
            throw RenderingError.gifReadFailed(path: path, message: gifErrorMessage(error))
        }
        // DGifCloseFile frees the handle and everything DGifSlurp allocated.
        defer { DGifCloseFile(handle, &error) }
        guard DGifSlurp(handle) == GIF_OK else {
            throw RenderingError.gifReadFailed(
                path: path, message: gifErrorMessage(handle.pointee.Error))
        }
        return try GIFComposer(handle: handle, path: path).compose()
    }
}

/// giflib's description of an error code.
func gifErrorMessage(_ code: Int32) -> String {
    guard let message = GifErrorString(code) else { return "giflib error \(code)" }
    return String(cString: message)
}
