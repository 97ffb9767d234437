import Foundation

/// Escapes `&`, `<`, `>`, `"` and `'` so that `text` is safe in XML and HTML text and in
/// quoted attribute values.
public func escapeXML(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&apos;"
        default: escaped.append(character)
        }
    }
    return escaped
}

/// Accumulates the markup of one SVG document.
///
/// Attribute values and text are escaped here, so callers pass plain strings.
struct SVGBuilder {
    private(set) var body = ""
    let width: Int
    let height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Appends an element; `attributes` keep their order, and nil values are left out.
    mutating func element(
        _ name: String, _ attributes: KeyValuePairs<String, String?>, text: String? = nil
    ) {
        body += "<\(name)"
        for (key, value) in attributes {
            if let value { body += " \(key)=\"\(escapeXML(value))\"" }
        }
        if let text {
            body += ">\(escapeXML(text))</\(name)>\n"
        } else {
            body += "/>\n"
        }
    }

    /// Appends an opening tag; close it with `close(_:)`.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        body += "<\(name)"
        for (key, value) in attributes {
            if let value { body += " \(key)=\"\(escapeXML(value))\"" }
        }
        body += ">\n"
    }

    mutating func close(_ name: String) {
        body += "</\(name)>\n"
    }

    /// Appends a `<text>` element.
    mutating func text(
        _ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
        weight: String? = nil, rotation: Double? = nil, fill: String = "#222222",
        className: String? = nil
    ) {
        let transform = rotation.map { "rotate(\(number($0)) \(number(x)) \(number(y)))" }
        element(
            "text",
            [
                "class": className, "x": number(x), "y": number(y), "text-anchor": anchor,
                "font-size": number(size), "font-weight": weight, "fill": fill,
                "transform": transform,
            ], text: content)
    }

    /// Returns the complete document, without an XML declaration, ready to inline in HTML
    /// or save as a `.svg` file.
    func document(title: String) -> String {
        var document =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" "
            + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        document += "<title>\(escapeXML(title))</title>\n"
        document +=
            "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        document += body
        document += "</svg>\n"
        return document
    }
}

/// Formats a coordinate with at most two decimals, which keeps SVG files small.
func number(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    return String(format: "%.2f", rounded)
}
