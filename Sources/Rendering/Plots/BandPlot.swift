/// A point on a plot singled out with a vertical line, a ring and a label, such as the
/// context a selection strategy chose.
public struct MarkedPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var label: String

    public init(x: Double, y: Double, label: String) {
        self.x = x
        self.y = y
        self.label = label
    }
}

/// A mean curve with a shaded band of plus or minus a multiple of its standard deviation,
/// observed points and an optional marked point, such as a Gaussian-process posterior over
/// contexts with the chosen next context marked.
public struct BandPlot: Sendable {
    public var title: String
    public var xAxis: PlotAxis
    public var yAxis: PlotAxis
    /// The positions of the curve, in increasing order.
    public var x: [Double]
    public var mean: [Double]
    public var standardDeviation: [Double]
    /// The band spans `mean ± bandWidth * standardDeviation`.
    public var bandWidth: Double
    /// The name of the mean curve in the legend.
    public var meanName: String
    /// Observed data drawn as dots, such as the training performance at chosen sources.
    public var observationsX: [Double]
    public var observationsY: [Double]
    public var observationName: String
    public var marked: MarkedPoint?
    public var width: Int
    public var height: Int

    /// - Precondition: `x`, `mean` and `standardDeviation` have one length, and so do
    ///   `observationsX` and `observationsY`.
    public init(
        title: String, xAxis: PlotAxis, yAxis: PlotAxis, x: [Double], mean: [Double],
        standardDeviation: [Double], bandWidth: Double = 1, meanName: String = "posterior mean",
        observationsX: [Double] = [], observationsY: [Double] = [],
        observationName: String = "observed", marked: MarkedPoint? = nil, width: Int = 760,
        height: Int = 420
    ) {
        precondition(
            x.count == mean.count && x.count == standardDeviation.count,
            "band plot needs as many means and standard deviations as positions")
        precondition(
            observationsX.count == observationsY.count,
            "band plot needs as many observed values as observed positions")
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.x = x
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.bandWidth = bandWidth
        self.meanName = meanName
        self.observationsX = observationsX
        self.observationsY = observationsY
        self.observationName = observationName
        self.marked = marked
        self.width = width
        self.height = height
    }

    /// Returns the plot as a standalone SVG document.
    public func svg() -> String {
        let lowerBand = zip(mean, standardDeviation).map { $0 - bandWidth * $1 }
        let upperBand = zip(mean, standardDeviation).map { $0 + bandWidth * $1 }
        let bandName = "±\(formatNumber(bandWidth)) std"
        let names = [meanName, bandName, observationName] + (marked.map { [$0.label] } ?? [])
        let legendWidth = (names.map { estimatedTextWidth($0, size: 12) }.max() ?? 0) + 50
        let area = PlotArea(
            left: 80, top: 40, width: Double(width) - 80 - legendWidth,
            height: Double(height) - 40 - 60)
        let xMapping = AxisMapping(
            values: x + observationsX + (marked.map { [$0.x] } ?? []), start: area.left,
            end: area.right, scale: xAxis.scale)
        let yMapping = AxisMapping(
            values: lowerBand + upperBand + observationsY + (marked.map { [$0.y] } ?? []),
            start: area.bottom, end: area.top, scale: yAxis.scale, padding: 0.05)
        func point(_ px: Double, _ py: Double) -> (x: Double, y: Double) {
            (xMapping.position(px), yMapping.position(py))
        }

        var builder = SVGBuilder(width: width, height: height)
        builder.drawTitle(title)
        builder.drawAxes(area: area, x: xMapping, y: yMapping, xAxis: xAxis, yAxis: yAxis)

        let meanColor = Palette.seriesColor(0)
        let observationColor = Palette.seriesColor(1)
        let markColor = Palette.seriesColor(2)
        let outline =
            zip(x, upperBand).map { point($0, $1) }
            + zip(x, lowerBand).reversed().map { point($0, $1) }
        if outline.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) && !outline.isEmpty {
            builder.element(
                "path",
                [
                    "class": "band", "d": pathData(outline) + " Z", "fill": meanColor,
                    "fill-opacity": "0.2", "stroke": "none",
                ])
        }
        builder.element(
            "path",
            [
                "class": "mean", "d": pathData(zip(x, mean).map { point($0, $1) }),
                "fill": "none", "stroke": meanColor, "stroke-width": "2",
            ])
        for (ox, oy) in zip(observationsX, observationsY) {
            let position = point(ox, oy)
            guard position.x.isFinite && position.y.isFinite else { continue }
            builder.element(
                "circle",
                [
                    "class": "observation", "cx": number(position.x), "cy": number(position.y),
                    "r": "4", "fill": observationColor,
                ])
        }
        if let marked {
            let position = point(marked.x, marked.y)
            if position.x.isFinite && position.y.isFinite {
                builder.open("g", ["class": "marked"])
                builder.element(
                    "line",
                    [
                        "x1": number(position.x), "y1": number(area.top),
                        "x2": number(position.x), "y2": number(area.bottom), "stroke": markColor,
                        "stroke-width": "1.5", "stroke-dasharray": "4 3",
                    ])
                builder.element(
                    "circle",
                    [
                        "cx": number(position.x), "cy": number(position.y), "r": "7",
                        "fill": "none", "stroke": markColor, "stroke-width": "2.5",
                    ])
                builder.text(
                    marked.label, x: position.x + 6, y: area.top + 14, size: 12, fill: markColor,
                    className: "marked-label")
                builder.close("g")
            }
        }

        var entries: [(name: String, color: String, dashed: Bool, dot: Bool)] = [
            (meanName, meanColor, false, false), (bandName, meanColor + "55", false, false),
        ]
        if !observationsX.isEmpty {
            entries.append((observationName, observationColor, false, true))
        }
        if let marked { entries.append((marked.label, markColor, true, false)) }
        builder.drawLegend(entries, left: area.right + 16, top: area.top + 8)
        return builder.document(title: title)
    }
}
