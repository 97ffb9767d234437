/// A palette of at most 256 colours for a whole animation, with the mapping of pixels to it.
///
/// When all frames together use at most 256 distinct colours, as flat-coloured environment
/// drawings do, the palette contains exactly those colours and the mapping is lossless.
/// Otherwise the palette comes from median cut over a histogram of the colours reduced to 5
/// bits per channel (Heckbert, "Color image quantization for frame buffer display", 1982).
/// Each entry is the pixel-weighted mean of its box, and each pixel maps to the entry
/// nearest to the mean colour of its histogram cell.
struct ColorQuantizer {
    /// The palette entries in index order.
    let palette: [RGBColor]
    /// Whether every pixel of the input frames is exactly one of the palette entries.
    let isExact: Bool

    private let exactIndices: [UInt32: UInt8]
    private let cellIndices: [UInt8]

    /// The largest palette a GIF image can use.
    static let maximumColorCount = 256

    /// Builds the palette for `frames`.
    ///
    /// - Complexity: O(pixels) to count colours, plus O(32768 x 256) for a lossy mapping.
    init(frames: [Frame]) {
        if let exact = ColorQuantizer.distinctColors(in: frames) {
            palette = exact.map(ColorQuantizer.unpacked)
            exactIndices = Dictionary(
                uniqueKeysWithValues: exact.enumerated().map { ($1, UInt8($0)) })
            cellIndices = []
            isExact = true
        } else {
            let histogram = ColorHistogram(frames: frames)
            palette = histogram.medianCut(maximumColors: ColorQuantizer.maximumColorCount)
            cellIndices = histogram.nearestPaletteIndices(palette)
            exactIndices = [:]
            isExact = false
        }
    }

    /// Returns the palette index of every pixel of `frame`, in row-major order.
    func indices(of frame: Frame) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: frame.width * frame.height)
        var lastColor: UInt32 = .max
        var lastIndex: UInt8 = 0
        frame.pixels.withUnsafeBufferPointer { bytes in
            for pixel in 0..<result.count {
                let red = UInt32(bytes[3 * pixel])
                let green = UInt32(bytes[3 * pixel + 1])
                let blue = UInt32(bytes[3 * pixel + 2])
                let packed = red << 16 | green << 8 | blue
                if packed != lastColor {
                    lastColor = packed
                    if isExact {
                        // Every colour of the frames was collected, so the lookup succeeds.
                        lastIndex = exactIndices[packed]!
                    } else {
                        lastIndex = cellIndices[Int(ColorHistogram.cell(red, green, blue))]
                    }
                }
                result[pixel] = lastIndex
            }
        }
        return result
    }

    /// Returns the distinct colours of all frames packed as `0xRRGGBB` in order of first
    /// appearance, or nil when there are more than 256.
    private static func distinctColors(in frames: [Frame]) -> [UInt32]? {
        var seen = Set<UInt32>()
        var ordered: [UInt32] = []
        var lastColor: UInt32 = .max
        for frame in frames {
            let bytes = frame.pixels
            for offset in stride(from: 0, to: bytes.count, by: 3) {
                let packed =
                    UInt32(bytes[offset]) << 16 | UInt32(bytes[offset + 1]) << 8
                    | UInt32(bytes[offset + 2])
                if packed == lastColor { continue }
                lastColor = packed
                if seen.insert(packed).inserted {
                    ordered.append(packed)
                    if ordered.count > maximumColorCount { return nil }
                }
            }
        }
        return ordered
    }

    private static func unpacked(_ packed: UInt32) -> RGBColor {
        RGBColor(
            red: UInt8(packed >> 16 & 0xFF), green: UInt8(packed >> 8 & 0xFF),
            blue: UInt8(packed & 0xFF))
    }
}

/// Pixel counts and colour sums over a grid of 32 x 32 x 32 cells (5 bits per channel).
private struct ColorHistogram {
    static let cellCount = 32 * 32 * 32

    var counts = [Int](repeating: 0, count: cellCount)
    var sums = [(red: Int, green: Int, blue: Int)](
        repeating: (0, 0, 0), count: cellCount)

    static func cell(_ red: UInt32, _ green: UInt32, _ blue: UInt32) -> UInt32 {
        (red >> 3) << 10 | (green >> 3) << 5 | (blue >> 3)
    }

    init(frames: [Frame]) {
        for frame in frames {
            let bytes = frame.pixels
            for offset in stride(from: 0, to: bytes.count, by: 3) {
                let red = bytes[offset]
                let green = bytes[offset + 1]
                let blue = bytes[offset + 2]
                let index = Int(ColorHistogram.cell(UInt32(red), UInt32(green), UInt32(blue)))
                counts[index] += 1
                sums[index].red += Int(red)
                sums[index].green += Int(green)
                sums[index].blue += Int(blue)
            }
        }
    }

    /// Returns the mean colour of the pixels in `cell`.
    func meanColor(of cell: Int) -> (red: Double, green: Double, blue: Double) {
        let count = Double(counts[cell])
        return (
            Double(sums[cell].red) / count, Double(sums[cell].green) / count,
            Double(sums[cell].blue) / count
        )
    }

    /// Splits the occupied cells into at most `maximumColors` boxes and returns the mean
    /// colour of each.
    ///
    /// Each round splits the box with the widest channel range (ties go to the box with more
    /// pixels) at the pixel-weighted median of that channel.
    func medianCut(maximumColors: Int) -> [RGBColor] {
        let occupied = (0..<ColorHistogram.cellCount).filter { counts[$0] > 0 }
        var boxes: [[Int]] = [occupied]
        while boxes.count < maximumColors {
            var best: (box: Int, channel: Int, range: Int, pixels: Int)?
            for (index, box) in boxes.enumerated() where box.count > 1 {
                let (channel, range) = widestChannel(of: box)
                let pixels = box.reduce(0) { $0 + counts[$1] }
                if best == nil || range > best!.range
                    || (range == best!.range && pixels > best!.pixels)
                {
                    best = (index, channel, range, pixels)
                }
            }
            guard let split = best, split.range > 0 else { break }
            let sorted = boxes[split.box].sorted {
                ColorHistogram.coordinate($0, split.channel)
                    < ColorHistogram.coordinate($1, split.channel)
            }
            // Cut after the cell where the running pixel count passes half the box, keeping
            // at least one cell on each side.
            var running = 0
            var cut = 1
            for (position, cell) in sorted.enumerated() {
                running += counts[cell]
                if running * 2 >= split.pixels {
                    cut = min(max(position + 1, 1), sorted.count - 1)
                    break
                }
            }
            boxes[split.box] = Array(sorted[..<cut])
            boxes.append(Array(sorted[cut...]))
        }
        return boxes.map { box in
            var total = 0
            var red = 0
            var green = 0
            var blue = 0
            for cell in box {
                total += counts[cell]
                red += sums[cell].red
                green += sums[cell].green
                blue += sums[cell].blue
            }
            return RGBColor(
                red: UInt8((red + total / 2) / total), green: UInt8((green + total / 2) / total),
                blue: UInt8((blue + total / 2) / total))
        }
    }

    /// Maps every occupied cell to the palette entry nearest to the cell's mean colour.
    func nearestPaletteIndices(_ palette: [RGBColor]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: ColorHistogram.cellCount)
        for cell in 0..<ColorHistogram.cellCount where counts[cell] > 0 {
            let mean = meanColor(of: cell)
            var bestIndex = 0
            var bestDistance = Double.infinity
            for (index, color) in palette.enumerated() {
                let dr = mean.red - Double(color.red)
                let dg = mean.green - Double(color.green)
                let db = mean.blue - Double(color.blue)
                let distance = dr * dr + dg * dg + db * db
                if distance < bestDistance {
                    bestDistance = distance
                    bestIndex = index
                }
            }
            result[cell] = UInt8(bestIndex)
        }
        return result
    }

    /// Returns the 5-bit coordinate of `cell` on `channel` (0 red, 1 green, 2 blue).
    static func coordinate(_ cell: Int, _ channel: Int) -> Int {
        (cell >> (10 - 5 * channel)) & 31
    }

    private func widestChannel(of box: [Int]) -> (channel: Int, range: Int) {
        var best = (channel: 0, range: -1)
        for channel in 0..<3 {
            var lowest = 31
            var highest = 0
            for cell in box {
                let value = ColorHistogram.coordinate(cell, channel)
                lowest = min(lowest, value)
                highest = max(highest, value)
            }
            if highest - lowest > best.range {
                best = (channel, highest - lowest)
            }
        }
        return best
    }
}
