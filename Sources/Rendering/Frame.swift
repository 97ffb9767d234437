/// An 8-bit-per-channel RGB colour.
public struct RGBColor: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let white = RGBColor(red: 255, green: 255, blue: 255)
    public static let black = RGBColor(red: 0, green: 0, blue: 0)
}

/// One rendered image: `height` rows of `width` RGB pixels, row 0 at the top.
///
/// `pixels` has `height * width * 3` bytes in row-major order, the layout of the
/// `(height, width, 3)` arrays that Gymnasium's `render()` returns in `rgb_array` mode.
public struct Frame: Equatable, Sendable {
    /// The number of pixels in one row.
    public let width: Int
    /// The number of rows.
    public let height: Int
    /// Row-major RGB bytes, three per pixel.
    public var pixels: [UInt8]

    /// Creates a frame from row-major RGB bytes.
    ///
    /// - Precondition: `width` and `height` are positive and `pixels` has
    ///   `width * height * 3` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "frame size \(width)x\(height) is not positive")
        precondition(
            pixels.count == width * height * 3,
            "frame of \(width)x\(height) needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Creates a frame filled with one colour.
    public init(width: Int, height: Int, color: RGBColor) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for offset in stride(from: 0, to: pixels.count, by: 3) {
            pixels[offset] = color.red
            pixels[offset + 1] = color.green
            pixels[offset + 2] = color.blue
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The colour of the pixel in `row` (0 at the top) and `column` (0 at the left).
    public subscript(row: Int, column: Int) -> RGBColor {
        get {
            let offset = byteOffset(row: row, column: column)
            return RGBColor(
                red: pixels[offset], green: pixels[offset + 1], blue: pixels[offset + 2])
        }
        set {
            let offset = byteOffset(row: row, column: column)
            pixels[offset] = newValue.red
            pixels[offset + 1] = newValue.green
            pixels[offset + 2] = newValue.blue
        }
    }

    /// Returns this frame with `other` placed below it.
    ///
    /// - Precondition: both frames have the same width.
    public func stacked(above other: Frame) -> Frame {
        precondition(
            width == other.width, "cannot stack frames of widths \(width) and \(other.width)")
        return Frame(width: width, height: height + other.height, pixels: pixels + other.pixels)
    }

    private func byteOffset(row: Int, column: Int) -> Int {
        precondition(
            row >= 0 && row < height && column >= 0 && column < width,
            "pixel (\(row), \(column)) is outside a \(height)x\(width) frame")
        return (row * width + column) * 3
    }
}
