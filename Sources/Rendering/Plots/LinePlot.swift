/// One named line of a plot.
public struct PlotSeries: Sendable, Equatable {
    public var name: String
    /// The points in drawing order; a point with a non-finite coordinate breaks the line.
    public var x: [Double]
    public var y: [Double]

    /// - Precondition: `x` and `y` have the same length.
    public init(name: String, x: [Double], y: [Double]) {
        precondition(x.count == y.count, "series \(name) has \(x.count) x and \(y.count) y values")
        self.name = name
        self.x = x
        self.y = y
    }
}

/// A named constant drawn as a dashed horizontal line, such as a baseline's value.
public struct ReferenceLine: Sendable, Equatable {
    public var name: String
    public var value: Double

    public init(name: String, value: Double) {
        self.name = name
        self.value = value
    }
}

/// A line plot of several series with a legend, such as learning curves or the generalized
/// performance `V_k` of selection strategies against their baselines.
public struct LinePlot: Sendable {
    public var title: String
    public var xAxis: PlotAxis
    public var yAxis: PlotAxis
    public var series: [PlotSeries]
    /// Horizontal lines across the whole plot, coloured after the series.
    public var referenceLines: [ReferenceLine]
    /// Whether the series' points get dots, which helps when they are few.
    public var showsMarkers: Bool
    /// The size of the whole picture in SVG pixels.
    public var width: Int
    public var height: Int

    public init(
        title: String, xAxis: PlotAxis, yAxis: PlotAxis, series: [PlotSeries],
        referenceLines: [ReferenceLine] = [], showsMarkers: Bool = false, width: Int = 760,
        height: Int = 420
    ) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.referenceLines = referenceLines
        self.showsMarkers = showsMarkers
        self.width = width
        self.height = height
    }

    /// Returns the plot as a standalone SVG document.
    public func svg() -> String {
        let names = series.map(\.name) + referenceLines.map(\.name)
        let legendWidth = (names.map { estimatedTextWidth($0, size: 12) }.max() ?? -40) + 50
        let area = PlotArea(
            left: 80, top: 40, width: Double(width) - 80 - max(legendWidth, 20),
            height: Double(height) - 40 - 60)
        let xMapping = AxisMapping(
            values: series.flatMap(\.x), start: area.left, end: area.right, scale: xAxis.scale)
        let yMapping = AxisMapping(
            values: series.flatMap(\.y) + referenceLines.map(\.value), start: area.bottom,
            end: area.top, scale: yAxis.scale, padding: 0.05)

        var builder = SVGBuilder(width: width, height: height)
        builder.drawTitle(title)
        builder.drawAxes(area: area, x: xMapping, y: yMapping, xAxis: xAxis, yAxis: yAxis)
        builder.open("g", ["class": "series"])
        for (index, line) in series.enumerated() {
            let points = zip(line.x, line.y).map { x, y in
                (
                    x: usable(x, xAxis) ? xMapping.position(x) : .nan,
                    y: usable(y, yAxis) ? yMapping.position(y) : .nan
                )
            }
            let color = Palette.seriesColor(index)
            builder.element(
                "path",
                [
                    "class": "line", "d": pathData(points), "fill": "none", "stroke": color,
                    "stroke-width": "2", "stroke-linejoin": "round",
                ])
            if showsMarkers {
                for point in points where point.x.isFinite && point.y.isFinite {
                    builder.element(
                        "circle",
                        ["cx": number(point.x), "cy": number(point.y), "r": "3", "fill": color])
                }
            }
        }
        for (index, reference) in referenceLines.enumerated() where usable(reference.value, yAxis) {
            let y = yMapping.position(reference.value)
            builder.element(
                "line",
                [
                    "class": "reference", "x1": number(area.left), "y1": number(y),
                    "x2": number(area.right), "y2": number(y),
                    "stroke": Palette.seriesColor(series.count + index), "stroke-width": "2",
                    "stroke-dasharray": "6 4",
                ])
        }
        builder.close("g")

        let entries =
            series.enumerated().map { index, line in
                (name: line.name, color: Palette.seriesColor(index), dashed: false, dot: false)
            }
            + referenceLines.enumerated().map { index, reference in
                (
                    name: reference.name, color: Palette.seriesColor(series.count + index),
                    dashed: true, dot: false
                )
            }
        builder.drawLegend(entries, left: area.right + 16, top: area.top + 8)
        return builder.document(title: title)
    }

    private func usable(_ value: Double, _ axis: PlotAxis) -> Bool {
        value.isFinite && (axis.scale == .linear || value > 0)
    }
}
