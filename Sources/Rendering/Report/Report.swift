import Foundation

/// A table of text cells with a header row.
public struct ReportTable: Sendable, Equatable {
    public var caption: String?
    public var headers: [String]
    public var rows: [[String]]

    /// - Precondition: every row has one cell per header.
    public init(caption: String? = nil, headers: [String], rows: [[String]]) {
        for (index, row) in rows.enumerated() {
            precondition(
                row.count == headers.count,
                "table row \(index) has \(row.count) cells but there are \(headers.count) headers")
        }
        self.caption = caption
        self.headers = headers
        self.rows = rows
    }
}

/// One name and value in a list of facts, such as a run's configuration.
public struct ReportField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One block of a report section.
public enum ReportItem: Sendable, Equatable {
    /// A paragraph of plain text.
    case paragraph(String)
    /// Facts shown as a two-column list.
    case fields([ReportField])
    /// An SVG document from `LinePlot`, `HeatMap` or `BandPlot`, inlined as markup.
    ///
    /// The SVG is trusted markup and is inserted unescaped; any XML declaration is removed.
    case figure(svg: String, caption: String?)
    case table(ReportTable)
    /// An animated GIF embedded as a `data:` URI.
    case animation(gif: Data, caption: String?, alternativeText: String)
    /// A PNG image embedded as a `data:` URI.
    case image(png: Data, caption: String?, alternativeText: String)
    /// Text shown as is in a monospaced font, such as a JSON configuration.
    case preformatted(String)
}

/// A titled part of a report.
public struct ReportSection: Sendable, Equatable {
    public var title: String
    public var items: [ReportItem]

    public init(title: String, items: [ReportItem]) {
        self.title = title
        self.items = items
    }
}

/// A report that renders to one self-contained HTML page: inline CSS, inline SVG and images
/// as `data:` URIs, so the file needs no other file or network access to display.
///
/// The page is also well-formed XML (void elements are self-closed), so XML tools can check
/// it.
public struct Report: Sendable, Equatable {
    public var title: String
    /// A line under the title, such as the run id and the environment.
    public var subtitle: String?
    public var sections: [ReportSection]
    /// A line at the bottom, such as the ctxrl version and the creation time.
    public var footer: String?

    public init(
        title: String, subtitle: String? = nil, sections: [ReportSection], footer: String? = nil
    ) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
        self.footer = footer
    }

    /// Returns the complete HTML page.
    public func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(escapeXML(title))</title>
            <style>
            \(Report.styleSheet)
            </style>
            </head>
            <body>
            <header>
            <h1>\(escapeXML(title))</h1>

            """
        if let subtitle { page += "<p class=\"subtitle\">\(escapeXML(subtitle))</p>\n" }
        page += "</header>\n"
        if sections.count > 1 {
            page += "<nav>\n<ol>\n"
            for (index, section) in sections.enumerated() {
                page +=
                    "<li><a href=\"#section-\(index + 1)\">\(escapeXML(section.title))</a></li>\n"
            }
            page += "</ol>\n</nav>\n"
        }
        page += "<main>\n"
        for (index, section) in sections.enumerated() {
            page += "<section id=\"section-\(index + 1)\">\n"
            page += "<h2>\(escapeXML(section.title))</h2>\n"
            for item in section.items {
                page += Report.markup(of: item)
            }
            page += "</section>\n"
        }
        page += "</main>\n"
        if let footer { page += "<footer>\(escapeXML(footer))</footer>\n" }
        page += "</body>\n</html>\n"
        return page
    }

    // MARK: - Items

    static func markup(of item: ReportItem) -> String {
        switch item {
        case .paragraph(let text):
            return "<p>\(escapeXML(text))</p>\n"
        case .fields(let fields):
            var markup = "<dl class=\"fields\">\n"
            for field in fields {
                markup += "<dt>\(escapeXML(field.name))</dt><dd>\(escapeXML(field.value))</dd>\n"
            }
            return markup + "</dl>\n"
        case .figure(let svg, let caption):
            return figure(content: inlineSVG(svg), caption: caption)
        case .table(let table):
            return tableMarkup(table)
        case .animation(let gif, let caption, let alternativeText):
            let image =
                "<img src=\"data:image/gif;base64,\(gif.base64EncodedString())\" "
                + "alt=\"\(escapeXML(alternativeText))\"/>\n"
            return figure(content: image, caption: caption)
        case .image(let png, let caption, let alternativeText):
            let image =
                "<img src=\"data:image/png;base64,\(png.base64EncodedString())\" "
                + "alt=\"\(escapeXML(alternativeText))\"/>\n"
            return figure(content: image, caption: caption)
        case .preformatted(let text):
            return "<pre>\(escapeXML(text))</pre>\n"
        }
    }

    private static func figure(content: String, caption: String?) -> String {
        var markup = "<figure>\n" + content
        if let caption { markup += "<figcaption>\(escapeXML(caption))</figcaption>\n" }
        return markup + "</figure>\n"
    }

    /// Removes an XML declaration, which may not appear inside an HTML document.
    private static func inlineSVG(_ svg: String) -> String {
        var text = svg.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") {
            text = String(text[end.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return text + "\n"
    }

    /// Right-aligns the columns whose cells are all numbers, so that digits line up.
    private static func tableMarkup(_ table: ReportTable) -> String {
        func isNumber(_ cell: String) -> Bool {
            cell.isEmpty || Double(cell.trimmingCharacters(in: .whitespaces)) != nil
        }
        let numericColumns = Set(
            table.headers.indices.filter { column in
                !table.rows.isEmpty && table.rows.allSatisfy { isNumber($0[column]) }
            })
        var markup = "<div class=\"table-scroll\">\n<table>\n"
        if let caption = table.caption { markup += "<caption>\(escapeXML(caption))</caption>\n" }
        markup += "<thead><tr>"
        for (column, header) in table.headers.enumerated() {
            let alignment = numericColumns.contains(column) ? " class=\"number\"" : ""
            markup += "<th\(alignment)>\(escapeXML(header))</th>"
        }
        markup += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            markup += "<tr>"
            for (column, cell) in row.enumerated() {
                let alignment = numericColumns.contains(column) ? " class=\"number\"" : ""
                markup += "<td\(alignment)>\(escapeXML(cell))</td>"
            }
            markup += "</tr>\n"
        }
        return markup + "</tbody>\n</table>\n</div>\n"
    }

    // MARK: - Style

    /// The page's CSS; it uses no `<` or `&`, so the page stays well-formed XML.
    static let styleSheet = """
        :root { color-scheme: light; }
        body { margin: 0; background: #f6f6f4; color: #1d1d1f;
          font: 15px/1.5 "DejaVu Sans", Helvetica, Arial, sans-serif; }
        header { background: #1f3a5f; color: #ffffff; padding: 24px 40px 18px; }
        header h1 { margin: 0; font-size: 26px; font-weight: 600; }
        .subtitle { margin: 6px 0 0; color: #d6e2f0; }
        nav { padding: 12px 40px 0; }
        nav ol { margin: 0; padding-left: 20px; columns: 2; }
        nav a { color: #1f3a5f; }
        main { padding: 8px 40px 32px; max-width: 1100px; }
        section { background: #ffffff; border: 1px solid #dedede; border-radius: 6px;
          padding: 6px 24px 20px; margin: 18px 0; }
        h2 { font-size: 19px; font-weight: 600; border-bottom: 1px solid #e4e4e4;
          padding-bottom: 6px; }
        figure { margin: 16px 0; }
        figure svg, figure img { max-width: 100%; height: auto; display: block; }
        figcaption { color: #555555; font-size: 13px; margin-top: 6px; }
        .table-scroll { overflow-x: auto; margin: 12px 0; }
        table { border-collapse: collapse; font-size: 14px; }
        caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 12px; text-align: left; }
        th { background: #f0f2f5; font-weight: 600; }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        dl.fields { display: grid; grid-template-columns: max-content auto; gap: 2px 18px; }
        dl.fields dt { font-weight: 600; }
        dl.fields dd { margin: 0; }
        pre { background: #f3f3f3; padding: 10px; overflow-x: auto; font-size: 13px; }
        footer { color: #666666; font-size: 13px; padding: 0 40px 24px; }
        """
}
