import Foundation

/// A matrix of values drawn as coloured cells on the viridis map, with labelled rows and
/// columns and a colour bar, such as a transfer matrix (source x target) or an attention
/// matrix.
public struct HeatMap: Sendable {
    public var title: String
    /// The quantity along the rows, such as `"source length (m)"`.
    public var rowTitle: String
    /// The quantity along the columns, such as `"target length (m)"`.
    public var columnTitle: String
    /// One label per row, top to bottom, usually a context value.
    public var rowLabels: [String]
    /// One label per column, left to right.
    public var columnLabels: [String]
    /// `values[row][column]`; a non-finite value draws a grey cell.
    public var values: [[Double]]
    /// The colour bar's title: the measured quantity and its unit, such as
    /// `"normalised return"`.
    public var colorBarTitle: String
    /// The values mapped to the ends of the colour map, or nil for the data's range.
    public var valueRange: ClosedRange<Double>?

    /// - Precondition: `values` has one row per row label and one value per column label in
    ///   every row.
    public init(
        title: String, rowTitle: String, columnTitle: String, rowLabels: [String],
        columnLabels: [String], values: [[Double]], colorBarTitle: String,
        valueRange: ClosedRange<Double>? = nil
    ) {
        precondition(
            values.count == rowLabels.count,
            "heat map has \(values.count) rows but \(rowLabels.count) row labels")
        for (index, row) in values.enumerated() {
            precondition(
                row.count == columnLabels.count,
                "heat map row \(index) has \(row.count) values but there are "
                    + "\(columnLabels.count) column labels")
        }
        self.title = title
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.colorBarTitle = colorBarTitle
        self.valueRange = valueRange
    }

    /// Returns the heat map as a standalone SVG document with one `<rect class="cell">` per
    /// value, each with a `<title>` tooltip naming its row, column and value.
    public func svg() -> String {
        let rows = rowLabels.count
        let columns = columnLabels.count
        let cell = min(max(min(520 / Double(max(columns, 1)), 440 / Double(max(rows, 1))), 4), 48)
        let rowLabelWidth = (rowLabels.map { estimatedTextWidth($0, size: 11) }.max() ?? 0) + 12
        let area = PlotArea(
            left: 40 + rowLabelWidth, top: 40, width: cell * Double(columns),
            height: cell * Double(rows))
        let width = Int(area.right + 130)
        let height = Int(area.bottom + columnLabelHeight + 40)

        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let lower = valueRange?.lowerBound ?? finite.min() ?? 0
        var upper = valueRange?.upperBound ?? finite.max() ?? 1
        if upper <= lower { upper = lower + 1 }
        func fraction(_ value: Double) -> Double { (value - lower) / (upper - lower) }

        var builder = SVGBuilder(width: width, height: height)
        builder.drawTitle(title)
        let annotate = cell >= 30
        builder.open("g", ["class": "cells"])
        for row in 0..<rows {
            for column in 0..<columns {
                let value = values[row][column]
                let x = area.left + Double(column) * cell
                let y = area.top + Double(row) * cell
                let fill = value.isFinite ? Palette.viridis(fraction(value)) : "#bbbbbb"
                builder.open(
                    "rect",
                    [
                        "class": "cell", "x": number(x), "y": number(y), "width": number(cell),
                        "height": number(cell), "fill": fill,
                    ])
                builder.element(
                    "title", [:],
                    text: "\(rowLabels[row]), \(columnLabels[column]): \(cellText(value))")
                builder.close("rect")
                if annotate && value.isFinite {
                    let dark = Palette.prefersDarkText(onViridis: fraction(value))
                    builder.text(
                        cellText(value), x: x + cell / 2, y: y + cell / 2 + 4, anchor: "middle",
                        size: 10, fill: dark ? "#000000" : "#ffffff", className: "cell-value")
                }
            }
        }
        builder.close("g")

        drawLabels(&builder, area: area, cell: cell)
        drawColorBar(&builder, area: area, lower: lower, upper: upper)
        return builder.document(title: title)
    }

    /// The height that the column labels, written at 45 degrees, take below the cells.
    private var columnLabelHeight: Double {
        let longest = columnLabels.map { estimatedTextWidth($0, size: 11) }.max() ?? 0
        return longest * 0.75 + 16
    }

    private func cellText(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2f", value) : "missing"
    }

    /// Writes every label that has room, skipping evenly when cells are smaller than text.
    private func drawLabels(_ builder: inout SVGBuilder, area: PlotArea, cell: Double) {
        let every = max(1, Int((14 / cell).rounded(.up)))
        builder.open("g", ["class": "row-labels"])
        for (index, label) in rowLabels.enumerated() where index % every == 0 {
            builder.text(
                label, x: area.left - 6, y: area.top + (Double(index) + 0.5) * cell + 4,
                anchor: "end", size: 11, className: "tick")
        }
        builder.close("g")
        builder.open("g", ["class": "column-labels"])
        for (index, label) in columnLabels.enumerated() where index % every == 0 {
            let x = area.left + (Double(index) + 0.5) * cell
            builder.text(
                label, x: x, y: area.bottom + 14, anchor: "end", size: 11, rotation: -45,
                className: "tick")
        }
        builder.close("g")
        builder.text(
            columnTitle, x: area.left + area.width / 2, y: area.bottom + columnLabelHeight + 20,
            anchor: "middle", size: 13, className: "axis-title")
        builder.text(
            rowTitle, x: 18, y: area.top + area.height / 2, anchor: "middle", size: 13,
            rotation: -90, className: "axis-title")
    }

    /// Draws a vertical viridis gradient with ticks and its title right of the cells.
    private func drawColorBar(
        _ builder: inout SVGBuilder, area: PlotArea, lower: Double, upper: Double
    ) {
        let left = area.right + 24
        let barHeight = max(area.height, 120)
        // Several heat maps may share one HTML page, so the gradient id depends on the title.
        let gradientID = "viridis-bar-\(stableHash(title))"
        builder.open("defs")
        builder.open(
            "linearGradient", ["id": gradientID, "x1": "0", "y1": "1", "x2": "0", "y2": "0"])
        for index in 0..<Palette.viridisStops.count {
            let fraction = Double(index) / Double(Palette.viridisStops.count - 1)
            builder.element(
                "stop",
                ["offset": number(fraction), "stop-color": Palette.viridis(fraction)])
        }
        builder.close("linearGradient")
        builder.close("defs")

        builder.open("g", ["class": "color-bar"])
        builder.element(
            "rect",
            [
                "x": number(left), "y": number(area.top), "width": "16",
                "height": number(barHeight), "fill": "url(#\(gradientID))", "stroke": "#444444",
            ])
        let mapping = AxisMapping(
            values: [lower, upper], start: area.top + barHeight, end: area.top, scale: .linear)
        let ticks = mapping.ticks(target: 5)

        for tick in ticks {
            let y = mapping.position(tick)
            builder.element(
                "line",
                [
                    "x1": number(left + 16), "y1": number(y), "x2": number(left + 20),
                    "y2": number(y), "stroke": "#444444",
                ])
            builder.text(
                mapping.tickLabel(tick, ticks: ticks), x: left + 23, y: y + 4, size: 11,
                className: "tick")
        }
        builder.text(
            colorBarTitle, x: left + 85, y: area.top + barHeight / 2, anchor: "middle", size: 12,
            rotation: -90, className: "axis-title")
        builder.close("g")
    }
}

/// Returns the 32-bit FNV-1a hash of `text`'s UTF-8 bytes in hexadecimal, the same in every
/// process.
func stableHash(_ text: String) -> String {
    var hash: UInt32 = 2_166_136_261
    for byte in text.utf8 {
        hash ^= UInt32(byte)
        hash = hash &* 16_777_619
    }
    return String(hash, radix: 16)
}
