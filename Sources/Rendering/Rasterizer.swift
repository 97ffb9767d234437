/// A horizontal run of pixels in row `y` from column `x1` to column `x2`, both included.
typealias PixelSpan = (y: Int, x1: Int, x2: Int)

/// Pixel coverage of filled polygons and circles, by the rules of SDL_gfx's
/// `filledPolygonColor` and `filledCircleColor`, which pygame's `gfxdraw` (and so
/// Gymnasium's classic-control rendering) uses.
///
/// Following the same rules makes the filled interior of every shape cover the same pixels as
/// Gymnasium's, which a comparison with Gymnasium 1.4.0 and pygame 2.6.1 confirmed. Gymnasium
/// also draws an antialiased outline over each shape (`aapolygon`, `aacircle`). SDL2's
/// renderer has no antialiasing, so that outline is not drawn.
enum Rasterizer {
    /// Returns the spans of a filled polygon.
    ///
    /// Vertices are truncated towards zero to whole pixels, as pygame does when it converts
    /// coordinates to `Sint16`. Each row from the lowest to the highest vertex row is
    /// crossed with the polygon's edges. An edge counts in rows `y1 <= y < y2`, and also in
    /// the last row when it ends there. Crossings are computed in 16.16 fixed point and
    /// rounded inwards by one unit before rounding to the nearest pixel.
    ///
    /// - Complexity: O(rows x vertices).
    static func polygonSpans(_ vertices: [(x: Double, y: Double)]) -> [PixelSpan] {
        guard vertices.count >= 3 else { return [] }
        let xs = vertices.map { Int($0.x) }
        let ys = vertices.map { Int($0.y) }
        let minimumY = ys.min()!
        let maximumY = ys.max()!
        var spans: [PixelSpan] = []
        var crossings: [Int] = []

        for y in minimumY...maximumY {
            crossings.removeAll(keepingCapacity: true)
            for index in 0..<xs.count {
                let previous = index == 0 ? xs.count - 1 : index - 1
                // Orient the edge so that (x1, y1) is its upper end; skip horizontal edges.
                let (x1, y1, x2, y2): (Int, Int, Int, Int)
                if ys[previous] < ys[index] {
                    (x1, y1, x2, y2) = (xs[previous], ys[previous], xs[index], ys[index])
                } else if ys[previous] > ys[index] {
                    (x1, y1, x2, y2) = (xs[index], ys[index], xs[previous], ys[previous])
                } else {
                    continue
                }
                let inside = (y >= y1 && y < y2) || (y == maximumY && y > y1 && y <= y2)
                if inside {
                    // Swift's `/` truncates towards zero, as C's integer division does.
                    crossings.append((65536 * (y - y1)) / (y2 - y1) * (x2 - x1) + 65536 * x1)
                }
            }
            crossings.sort()
            var pair = 0
            while pair + 1 < crossings.count {
                spans.append(
                    (
                        y: y, x1: roundFixedPoint(crossings[pair] + 1),
                        x2: roundFixedPoint(crossings[pair + 1] - 1)
                    ))
                pair += 2
            }
        }
        return spans
    }

    /// Returns the spans of a filled circle, from the midpoint circle algorithm.
    ///
    /// The algorithm walks one octant from the top of the circle. Each step fills the rows at
    /// distance `cx` from the centre with half-width `cy`, and the first step that reaches a
    /// new `cy` fills the rows at distance `cy` with half-width `cx`.
    static func circleSpans(centerX: Int, centerY: Int, radius: Int) -> [PixelSpan] {
        guard radius > 0 else { return [(y: centerY, x1: centerX, x2: centerX)] }
        var spans: [PixelSpan] = []
        var cx = 0
        var cy = radius
        var lastCY = -1
        var decision = 1 - radius
        var deltaEast = 3
        var deltaSouthEast = -2 * radius + 5

        func fillRows(distance: Int, halfWidth: Int) {
            spans.append((y: centerY + distance, x1: centerX - halfWidth, x2: centerX + halfWidth))
            if distance > 0 {
                spans.append(
                    (y: centerY - distance, x1: centerX - halfWidth, x2: centerX + halfWidth))
            }
        }

        while cx <= cy {
            if cy != lastCY {
                fillRows(distance: cy, halfWidth: cx)
                lastCY = cy
            }
            if cx != cy {
                fillRows(distance: cx, halfWidth: cy)
            }
            if decision < 0 {
                decision += deltaEast
                deltaSouthEast += 2
            } else {
                decision += deltaSouthEast
                deltaSouthEast += 4
                cy -= 1
            }
            deltaEast += 2
            cx += 1
        }
        return spans
    }

    /// Rounds a 16.16 fixed-point value to the nearest whole pixel, halves upwards.
    private static func roundFixedPoint(_ value: Int) -> Int {
        (value >> 16) + ((value & 32768) >> 15)
    }
}
