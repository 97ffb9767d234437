import Foundation

/// Colour-blind-safe colours for plots.
public enum Palette {
    /// The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2002) in the order
    /// series take it: blue, vermilion, bluish green, reddish purple, sky blue, orange,
    /// black, yellow. Yellow comes last because it is hard to see on white.
    public static let okabeIto = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#F0E442",
    ]

    /// Returns the colour of series `index`, cycling through `okabeIto`.
    public static func seriesColor(_ index: Int) -> String {
        okabeIto[index % okabeIto.count]
    }

    /// Matplotlib's viridis colour map sampled at 0, 0.1, ..., 1.
    static let viridisStops: [(red: Double, green: Double, blue: Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5F, 0x8D),
        (0x2A, 0x78, 0x8E), (0x21, 0x91, 0x8C), (0x22, 0xA8, 0x84), (0x44, 0xBF, 0x70),
        (0x7A, 0xD1, 0x51), (0xBD, 0xDF, 0x26), (0xFD, 0xE7, 0x25),
    ]

    /// Returns the viridis colour at `fraction` in [0, 1] as `#RRGGBB`, interpolated
    /// linearly between eleven samples. Values outside [0, 1] are clamped.
    public static func viridis(_ fraction: Double) -> String {
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let position = clamped * Double(viridisStops.count - 1)
        let lower = min(Int(position), viridisStops.count - 2)
        let weight = position - Double(lower)
        let from = viridisStops[lower]
        let to = viridisStops[lower + 1]
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * weight).rounded()) }
        return String(
            format: "#%02X%02X%02X", mix(from.red, to.red), mix(from.green, to.green),
            mix(from.blue, to.blue))
    }

    /// Returns whether black text reads better than white on viridis at `fraction`.
    static func prefersDarkText(onViridis fraction: Double) -> Bool {
        fraction > 0.55
    }
}
