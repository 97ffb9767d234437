import Foundation

extension Rollout {
    /// Writes the frames as `<fileStem>.gif` in `folder`, at the environment's frame rate and
    /// looping forever.
    ///
    /// - Returns: The path of the file written.
    /// - Throws: `RenderingError.noFrames` when the rollout was run without frames, and the
    ///   errors of `AnimatedGIF.write`.
    @discardableResult
    public func writeGIF(inFolder folder: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent(fileStem + ".gif")
        try AnimatedGIF.write(frames, framesPerSecond: kind.framesPerSecond, to: path)
        return path
    }

    /// Writes each frame as `<fileStem>_t<step>.png` in `folder`, the step zero-padded to at
    /// least four digits so that the files sort in step order.
    ///
    /// - Returns: The paths of the files written, in step order.
    /// - Throws: `RenderingError.noFrames` when the rollout was run without frames, and the
    ///   errors of `Frame.writePNG(to:)`.
    @discardableResult
    public func writePNGFrames(inFolder folder: String) throws -> [String] {
        guard !frames.isEmpty else { throw RenderingError.noFrames }
        let digits = max(4, String(frames.count - 1).count)
        return try frames.enumerated().map { step, frame in
            let number = String(step)
            let padded = String(repeating: "0", count: digits - number.count) + number
            let path = (folder as NSString).appendingPathComponent("\(fileStem)_t\(padded).png")
            try frame.writePNG(to: path)
            return path
        }
    }
}
