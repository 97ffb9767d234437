import Foundation
import XCTest

@testable import Rendering

#if canImport(FoundationXML)
    import FoundationXML
#endif

final class ReportTests: XCTestCase {
    /// The first bytes of a GIF89a file; enough for the data URI checks.
    private let gifBytes = Data("GIF89a".utf8) + Data([1, 0, 1, 0])

    private func sampleReport() -> Report {
        let plot = LinePlot(
            title: "Learning curve", xAxis: PlotAxis(title: "environment steps"),
            yAxis: PlotAxis(title: "episodic return"),
            series: [PlotSeries(name: "length 0.5 m", x: [0, 1000, 2000], y: [10, 80, 200])])
        return Report(
            title: "Run 7 <cartpole>", subtitle: "strategy mbtl-gp",
            sections: [
                ReportSection(
                    title: "Configuration",
                    items: [
                        .fields([ReportField(name: "budget", value: "5")]),
                        .preformatted("{\"seed\": 1}"),
                    ]),
                ReportSection(
                    title: "Results",
                    items: [
                        .paragraph("Sources & targets"),
                        .figure(svg: "<?xml version=\"1.0\"?>\n" + plot.svg(), caption: "curve"),
                        .table(
                            ReportTable(
                                caption: "Evaluations", headers: ["source", "target", "mean"],
                                rows: [["0.5", "1", "420.5"], ["1", "0.5", "300"]])),
                        .animation(gif: gifBytes, caption: "episode 0", alternativeText: "rollout"),
                    ]),
            ],
            footer: "ctxrl")
    }

    private func parsedReport() throws -> XMLDocument {
        try XMLDocument(xmlString: sampleReport().html(), options: [])
    }

    func testReportIsWellFormedXML() throws {
        XCTAssertEqual(try parsedReport().rootElement()?.name, "html")
    }

    func testReportEscapesTitle() throws {
        let html = sampleReport().html()
        XCTAssertTrue(html.contains("<h1>Run 7 &lt;cartpole&gt;</h1>"))
        XCTAssertTrue(html.contains("Sources &amp; targets"))
    }

    func testReportHasSectionsAndContents() throws {
        let document = try parsedReport()
        XCTAssertEqual(try elements(named: "section", in: document).count, 2)
        let links = try document.nodes(forXPath: "//nav//a")
        XCTAssertEqual(links.map { $0.stringValue ?? "" }, ["Configuration", "Results"])
    }

    func testReportInlinesSVGWithoutDeclaration() throws {
        let html = sampleReport().html()
        XCTAssertFalse(html.contains("<?xml"))
        XCTAssertEqual(try elements(named: "svg", in: try parsedReport()).count, 1)
    }

    func testReportTableHasAllCells() throws {
        let document = try parsedReport()
        XCTAssertEqual(try elements(named: "th", in: document).count, 3)
        XCTAssertEqual(try elements(named: "td", in: document).count, 6)
        XCTAssertEqual(try elements(named: "td", in: document, className: "number").count, 6)
    }

    func testReportEmbedsGIFAsDataURI() throws {
        let images = try elements(named: "img", in: try parsedReport())
        let source = images.first.flatMap { attribute("src", of: $0) }
        XCTAssertEqual(source, "data:image/gif;base64," + gifBytes.base64EncodedString())
    }

    func testReportLoadsNothingExternal() {
        let html = sampleReport().html()
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<link"))
        XCTAssertFalse(html.contains("src=\"http"))
        XCTAssertFalse(html.contains("url(http"))
    }

    func testReportKeepsStyleInline() throws {
        XCTAssertEqual(try elements(named: "style", in: try parsedReport()).count, 1)
    }

    func testFieldsBecomeDefinitionList() throws {
        let document = try parsedReport()
        XCTAssertEqual(try elements(named: "dt", in: document).first?.stringValue, "budget")
        XCTAssertEqual(try elements(named: "dd", in: document).first?.stringValue, "5")
    }
}
