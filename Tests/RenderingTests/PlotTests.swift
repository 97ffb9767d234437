import Foundation
import XCTest

@testable import Rendering

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Returns the value of attribute `name` of an element node.
///
/// This walks the attribute list because `XMLElement.attribute(forName:)` in
/// swift-corelibs-foundation returns nil for elements in a default namespace such as SVG's.
func attribute(_ name: String, of node: XMLNode) -> String? {
    (node as? XMLElement)?.attributes?.first { $0.name == name }?.stringValue
}

/// Parses markup as XML and returns the elements that match an XPath query by local name,
/// so that the SVG namespace needs no prefix.
func elements(named name: String, in document: XMLDocument, className: String? = nil)
    throws -> [XMLNode]
{
    let classTest = className.map { "[@class='\($0)']" } ?? ""
    return try document.nodes(forXPath: "//*[local-name()='\(name)']\(classTest)")
}

func texts(in document: XMLDocument) throws -> [String] {
    try elements(named: "text", in: document).compactMap(\.stringValue)
}

final class PlotTests: XCTestCase {
    private func parse(_ markup: String) throws -> XMLDocument {
        try XMLDocument(xmlString: markup, options: [])
    }

    // MARK: - Text and colours

    func testEscapeXMLEscapesFiveCharacters() {
        XCTAssertEqual(escapeXML(#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;")
    }

    func testViridisEndsMatchMatplotlib() {
        XCTAssertEqual(Palette.viridis(0), "#440154")
        XCTAssertEqual(Palette.viridis(0.5), "#21918C")
        XCTAssertEqual(Palette.viridis(1), "#FDE725")
        XCTAssertEqual(Palette.viridis(2), "#FDE725")
    }

    func testSeriesColorsStartWithOkabeItoBlue() {
        XCTAssertEqual(Palette.seriesColor(0), "#0072B2")
        XCTAssertEqual(Palette.seriesColor(8), "#0072B2")
    }

    // MARK: - Axes

    func testLinearTicksUseNiceSteps() {
        let mapping = AxisMapping(values: [0, 1], start: 0, end: 100, scale: .linear)
        XCTAssertEqual(mapping.ticks(target: 5), [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    func testLogTicksOverDecades() {
        let mapping = AxisMapping(values: [0.05, 5], start: 0, end: 100, scale: .logarithmic)
        XCTAssertEqual(mapping.ticks(), [0.1, 1])
    }

    func testLogTicksInOneDecade() {
        let mapping = AxisMapping(values: [0.5, 5], start: 0, end: 100, scale: .logarithmic)
        XCTAssertEqual(mapping.ticks(), [0.5, 1, 2, 5])
    }

    func testTickLabelsAbbreviateThousands() {
        let mapping = AxisMapping(values: [0, 1_000_000], start: 0, end: 100, scale: .linear)
        let ticks = mapping.ticks()
        XCTAssertEqual(mapping.tickLabel(0, ticks: ticks), "0")
        XCTAssertEqual(mapping.tickLabel(200_000, ticks: ticks), "200k")
    }

    func testLogarithmicMappingPlacesDecadesEvenly() {
        let mapping = AxisMapping(values: [1, 100], start: 0, end: 200, scale: .logarithmic)
        XCTAssertEqual(mapping.position(10), 100, accuracy: 1e-9)
    }

    // MARK: - Line plot

    private func selectionPlot() -> LinePlot {
        LinePlot(
            title: "V_k of strategies",
            xAxis: PlotAxis(title: "trained sources k"),
            yAxis: PlotAxis(title: "generalized performance", unit: "normalised return"),
            series: [
                PlotSeries(name: "MBTL-GP", x: [1, 2, 3], y: [0.5, 0.7, 0.8]),
                PlotSeries(name: "random <mean>", x: [1, 2, 3], y: [0.4, 0.6, 0.7]),
            ],
            referenceLines: [ReferenceLine(name: "independent", value: 0.9)],
            showsMarkers: true)
    }

    func testLinePlotIsWellFormedSVG() throws {
        let document = try parse(selectionPlot().svg())
        XCTAssertEqual(document.rootElement()?.name, "svg")
        XCTAssertEqual(document.rootElement().flatMap { attribute("width", of: $0) }, "760")
    }

    func testLinePlotDrawsEverySeriesAndBaseline() throws {
        let document = try parse(selectionPlot().svg())
        XCTAssertEqual(try elements(named: "path", in: document, className: "line").count, 2)
        XCTAssertEqual(try elements(named: "line", in: document, className: "reference").count, 1)
        XCTAssertEqual(try elements(named: "circle", in: document).count, 6)
    }

    func testLinePlotLegendNamesSeries() throws {
        let labels = try texts(in: try parse(selectionPlot().svg()))
        XCTAssertTrue(labels.contains("MBTL-GP"))
        XCTAssertTrue(labels.contains("random <mean>"))
        XCTAssertTrue(labels.contains("independent"))
    }

    func testLinePlotAxisTitlesCarryUnits() throws {
        let labels = try texts(in: try parse(selectionPlot().svg()))
        XCTAssertTrue(labels.contains("generalized performance (normalised return)"))
        XCTAssertTrue(labels.contains("trained sources k"))
    }

    func testLinePlotHasTicks() throws {
        let document = try parse(selectionPlot().svg())
        XCTAssertGreaterThanOrEqual(
            try elements(named: "text", in: document, className: "tick").count, 6)
    }

    func testNonFinitePointBreaksLine() throws {
        let plot = LinePlot(
            title: "gap", xAxis: PlotAxis(title: "x"), yAxis: PlotAxis(title: "y"),
            series: [PlotSeries(name: "s", x: [0, 1, 2, 3], y: [1, 2, .nan, 4])])
        let document = try parse(plot.svg())
        let path = try elements(named: "path", in: document, className: "line")[0]
        let data = attribute("d", of: path) ?? ""
        XCTAssertEqual(data.filter { $0 == "M" }.count, 2)
    }

    // MARK: - Heat map

    /// Returns a matrix with value row + column and a missing value in the top-left cell.
    private func transferMatrix(rows: Int, columns: Int) -> HeatMap {
        var values: [[Double]] = []
        for row in 0..<rows {
            values.append((0..<columns).map { Double(row + $0) })
        }
        values[0][0] = .nan
        return HeatMap(
            title: "Transfer matrix", rowTitle: "source length (m)",
            columnTitle: "target length (m)", rowLabels: (0..<rows).map { "s\($0)" },
            columnLabels: (0..<columns).map { "t\($0)" }, values: values,
            colorBarTitle: "normalised return")
    }

    func testHeatMapHasOneCellPerValue() throws {
        let document = try parse(transferMatrix(rows: 4, columns: 7).svg())
        XCTAssertEqual(try elements(named: "rect", in: document, className: "cell").count, 28)
    }

    func testHeatMapLabelsRowsAndColumns() throws {
        let labels = try texts(in: try parse(transferMatrix(rows: 4, columns: 7).svg()))
        for label in ["s0", "s3", "t0", "t6", "source length (m)", "target length (m)"] {
            XCTAssertTrue(labels.contains(label), "missing label \(label)")
        }
    }

    func testHeatMapHasColorBar() throws {
        let document = try parse(transferMatrix(rows: 3, columns: 3).svg())
        XCTAssertEqual(try elements(named: "g", in: document, className: "color-bar").count, 1)
        XCTAssertEqual(try elements(named: "stop", in: document).count, 11)
        XCTAssertTrue(try texts(in: document).contains("normalised return"))
    }

    func testHeatMapDrawsMissingValueGrey() throws {
        let document = try parse(transferMatrix(rows: 2, columns: 2).svg())
        let first = try elements(named: "rect", in: document, className: "cell")[0]
        XCTAssertEqual(attribute("fill", of: first), "#bbbbbb")
    }

    func testHeatMapColoursSpanViridis() throws {
        let map = HeatMap(
            title: "m", rowTitle: "r", columnTitle: "c", rowLabels: ["a"],
            columnLabels: ["x", "y"], values: [[0, 1]], colorBarTitle: "v", valueRange: 0...1)
        let cells = try elements(named: "rect", in: try parse(map.svg()), className: "cell")
        let fills = cells.compactMap { attribute("fill", of: $0) }
        XCTAssertEqual(fills, ["#440154", "#FDE725"])
    }

    func testHeatMapOfHundredContextsStaysWellFormed() throws {
        let document = try parse(transferMatrix(rows: 100, columns: 100).svg())
        XCTAssertEqual(try elements(named: "rect", in: document, className: "cell").count, 10_000)
    }

    // MARK: - Band plot

    private func posterior() -> BandPlot {
        BandPlot(
            title: "GP posterior", xAxis: PlotAxis(title: "pole half-length", unit: "m"),
            yAxis: PlotAxis(title: "training performance"), x: [0.1, 0.5, 1, 2],
            mean: [0.2, 0.6, 0.8, 0.4], standardDeviation: [0.1, 0.05, 0.1, 0.2], bandWidth: 2,
            observationsX: [0.5, 2], observationsY: [0.62, 0.35],
            marked: MarkedPoint(x: 1, y: 0.8, label: "chosen: length 1 m"))
    }

    func testBandPlotDrawsBandMeanAndObservations() throws {
        let document = try parse(posterior().svg())
        XCTAssertEqual(try elements(named: "path", in: document, className: "band").count, 1)
        XCTAssertEqual(try elements(named: "path", in: document, className: "mean").count, 1)
        XCTAssertEqual(
            try elements(named: "circle", in: document, className: "observation").count, 2)
    }

    func testBandPlotMarksChosenPoint() throws {
        let document = try parse(posterior().svg())
        XCTAssertEqual(try elements(named: "g", in: document, className: "marked").count, 1)
        XCTAssertTrue(try texts(in: document).contains("chosen: length 1 m"))
        XCTAssertTrue(try texts(in: document).contains("pole half-length (m)"))
    }
}
