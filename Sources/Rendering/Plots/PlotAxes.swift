import Foundation

/// The mapping of data values to positions along an axis.
public enum AxisScale: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic; every value on the axis must be positive.
    case logarithmic
}

/// The title, unit and scale of one plot axis.
public struct PlotAxis: Sendable, Equatable {
    /// The measured quantity, such as `"pole half-length"`.
    public var title: String
    /// The unit, such as `"m"` or `"environment steps"`; nil for dimensionless values.
    public var unit: String?
    public var scale: AxisScale

    public init(title: String, unit: String? = nil, scale: AxisScale = .linear) {
        self.title = title
        self.unit = unit
        self.scale = scale
    }

    /// The title with the unit in parentheses, as the axis shows it.
    public var label: String {
        guard let unit, !unit.isEmpty else { return title }
        return "\(title) (\(unit))"
    }
}

/// The rectangle, in SVG pixels, that a plot's data occupies.
struct PlotArea {
    var left: Double
    var top: Double
    var width: Double
    var height: Double

    var right: Double { left + width }
    var bottom: Double { top + height }
}

/// A map from a data interval onto a pixel interval, with tick positions.
struct AxisMapping {
    let lower: Double
    let upper: Double
    let start: Double
    let end: Double
    let scale: AxisScale

    /// Creates a mapping for `values`, widened by `padding` of the range on each side and
    /// to a unit range around a single value. Non-finite values, and non-positive ones on a
    /// logarithmic axis, are ignored.
    init(values: [Double], start: Double, end: Double, scale: AxisScale, padding: Double = 0) {
        let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        var lower = usable.min() ?? (scale == .linear ? 0 : 1)
        var upper = usable.max() ?? (scale == .linear ? 1 : 10)
        switch scale {
        case .linear:
            if lower == upper {
                lower -= 0.5
                upper += 0.5
            }
            let margin = (upper - lower) * padding
            lower -= margin
            upper += margin
        case .logarithmic:
            if lower == upper {
                lower /= 2
                upper *= 2
            }
            let margin = Foundation.pow(upper / lower, padding)
            lower /= margin
            upper *= margin
        }
        self.lower = lower
        self.upper = upper
        self.start = start
        self.end = end
        self.scale = scale
    }

    /// Returns the pixel position of `value`.
    func position(_ value: Double) -> Double {
        let fraction: Double
        switch scale {
        case .linear:
            fraction = (value - lower) / (upper - lower)
        case .logarithmic:
            fraction = log10(value / lower) / log10(upper / lower)
        }
        return start + (end - start) * fraction
    }

    /// Returns the tick values inside the interval.
    ///
    /// A linear axis gets about `target` ticks at steps of 1, 2 or 5 times a power of ten.
    /// A logarithmic axis gets the powers of ten, plus 2x and 5x when it spans less than two
    /// decades.
    func ticks(target: Int = 6) -> [Double] {
        switch scale {
        case .linear:
            let step = AxisMapping.niceStep(range: upper - lower, target: target)
            var ticks: [Double] = []
            var count = (lower / step.value).rounded(.up)
            while count * step.value <= upper + step.value * 1e-9 {
                ticks.append(step.multiple(count))
                count += 1
            }
            return ticks
        case .logarithmic:
            let firstDecade = Int(log10(lower).rounded(.down))
            let lastDecade = Int(log10(upper).rounded(.up))
            let multipliers: [Double] = log10(upper / lower) < 2 ? [1, 2, 5] : [1]
            var ticks: [Double] = []
            for decade in firstDecade...lastDecade {
                for multiplier in multipliers {
                    let tick = NiceStep(multiplier: multiplier, exponent: decade).value
                    if tick >= lower * (1 - 1e-9) && tick <= upper * (1 + 1e-9) {
                        ticks.append(tick)
                    }
                }
            }
            return ticks
        }
    }

    /// Returns the label of a tick: thousands and millions as `k` and `M` on large axes,
    /// otherwise as many decimals as the tick step needs.
    func tickLabel(_ value: Double, ticks: [Double]) -> String {
        if scale == .logarithmic { return formatNumber(value) }
        if value == 0 { return "0" }
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
        let magnitude = max(abs(lower), abs(upper))
        if magnitude >= 10_000 && step >= 1000 {
            if step >= 1_000_000 || magnitude >= 10_000_000 {
                return formatNumber(value / 1_000_000) + "M"
            }
            return formatNumber(value / 1000) + "k"
        }
        let decimals = max(0, -Int((log10(step) + 1e-9).rounded(.down)))
        let text = String(format: "%.\(decimals)f", value)
        return text == "-0" ? "0" : text
    }

    static func niceStep(range: Double, target: Int) -> NiceStep {
        let rough = range / Double(max(target, 1))
        let exponent = Int(log10(rough).rounded(.down))
        for multiplier in [1.0, 2, 5] {
            let step = NiceStep(multiplier: multiplier, exponent: exponent)
            if step.value >= rough { return step }
        }
        return NiceStep(multiplier: 1, exponent: exponent + 1)
    }
}

/// A tick step of `multiplier` times `10^exponent`.
///
/// Multiples are computed as `count * multiplier / 10^-exponent` for negative exponents, so
/// that ticks such as 0.6 come out as the closest double instead of 0.6000000000000001.
struct NiceStep {
    let multiplier: Double
    let exponent: Int

    var value: Double { multiple(1) }

    func multiple(_ count: Double) -> Double {
        if exponent < 0 {
            return count * multiplier / Foundation.pow(10, Double(-exponent))
        }
        return count * multiplier * Foundation.pow(10, Double(exponent))
    }
}

extension SVGBuilder {
    /// Draws the frame, grid lines, ticks and axis titles of a two-axis plot.
    mutating func drawAxes(
        area: PlotArea, x: AxisMapping, y: AxisMapping, xAxis: PlotAxis, yAxis: PlotAxis
    ) {
        let xTicks = x.ticks()
        let yTicks = y.ticks(target: 5)
        open("g", ["class": "axes"])
        for tick in xTicks {
            let position = x.position(tick)
            element(
                "line",
                [
                    "x1": number(position), "y1": number(area.top), "x2": number(position),
                    "y2": number(area.bottom), "stroke": "#e5e5e5",
                ])
            element(
                "line",
                [
                    "x1": number(position), "y1": number(area.bottom), "x2": number(position),
                    "y2": number(area.bottom + 5), "stroke": "#444444",
                ])
            text(
                x.tickLabel(tick, ticks: xTicks), x: position, y: area.bottom + 18,
                anchor: "middle", size: 11, className: "tick")
        }
        for tick in yTicks {
            let position = y.position(tick)
            element(
                "line",
                [
                    "x1": number(area.left), "y1": number(position), "x2": number(area.right),
                    "y2": number(position), "stroke": "#e5e5e5",
                ])
            element(
                "line",
                [
                    "x1": number(area.left - 5), "y1": number(position), "x2": number(area.left),
                    "y2": number(position), "stroke": "#444444",
                ])
            text(
                y.tickLabel(tick, ticks: yTicks), x: area.left - 8, y: position + 4,
                anchor: "end", size: 11, className: "tick")
        }
        element(
            "rect",
            [
                "x": number(area.left), "y": number(area.top), "width": number(area.width),
                "height": number(area.height), "fill": "none", "stroke": "#444444",
            ])
        text(
            xAxis.label, x: area.left + area.width / 2, y: area.bottom + 40, anchor: "middle",
            size: 13, className: "axis-title")
        text(
            yAxis.label, x: area.left - 52, y: area.top + area.height / 2, anchor: "middle",
            size: 13, rotation: -90, className: "axis-title")
        close("g")
    }

    /// Draws a legend box of entries, each a short sample line (or dot) and a name.
    mutating func drawLegend(
        _ entries: [(name: String, color: String, dashed: Bool, dot: Bool)], left: Double,
        top: Double
    ) {
        guard !entries.isEmpty else { return }
        open("g", ["class": "legend"])
        for (index, entry) in entries.enumerated() {
            let y = top + Double(index) * 20
            if entry.dot {
                element(
                    "circle",
                    ["cx": number(left + 12), "cy": number(y), "r": "4", "fill": entry.color])
            } else {
                element(
                    "line",
                    [
                        "x1": number(left), "y1": number(y), "x2": number(left + 24),
                        "y2": number(y), "stroke": entry.color, "stroke-width": "2.5",
                        "stroke-dasharray": entry.dashed ? "6 4" : nil,
                    ])
            }
            text(entry.name, x: left + 30, y: y + 4, size: 12, className: "legend-entry")
        }
        close("g")
    }

    /// Draws the plot title centred at the top.
    mutating func drawTitle(_ title: String) {
        text(
            title, x: Double(width) / 2, y: 22, anchor: "middle", size: 15, weight: "bold",
            className: "plot-title")
    }
}

/// Estimates the width of `text` at `size` pixels in DejaVu Sans, for layout only.
func estimatedTextWidth(_ text: String, size: Double) -> Double {
    Double(text.count) * size * 0.6
}

/// Returns SVG path data through `points`, starting a new segment after every point that is
/// not finite.
func pathData(_ points: [(x: Double, y: Double)]) -> String {
    var data = ""
    var penDown = false
    for point in points {
        guard point.x.isFinite && point.y.isFinite else {
            penDown = false
            continue
        }
        data += (penDown ? "L" : "M") + "\(number(point.x)),\(number(point.y)) "
        penDown = true
    }
    return data.trimmingCharacters(in: .whitespaces)
}
