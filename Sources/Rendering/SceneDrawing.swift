import Environments
import Foundation

/// The drawing of each environment, with Gymnasium 1.4.0's geometry and colours from
/// `gymnasium/envs/classic_control/*.py`.
///
/// Coordinates are those of Gymnasium's pygame surface before its vertical flip: pixels, y
/// growing downwards, so a drawing that is "up" in the world has a larger y here. Where
/// Gymnasium converts a coordinate to an integer it truncates towards zero, and so does
/// `Int(_:)` here.
enum SceneDrawing {
    typealias Point = (x: Double, y: Double)

    // MARK: - Colours

    static let poleColor = RGBColor(red: 202, green: 152, blue: 101)
    static let axleColor = RGBColor(red: 129, green: 132, blue: 203)
    static let wheelColor = RGBColor(red: 128, green: 128, blue: 128)
    static let flagColor = RGBColor(red: 204, green: 204, blue: 0)
    static let pendulumColor = RGBColor(red: 204, green: 77, blue: 77)
    static let linkColor = RGBColor(red: 0, green: 204, blue: 204)
    static let jointColor = RGBColor(red: 204, green: 204, blue: 0)

    // MARK: - CartPole

    /// The world width shown: twice the termination threshold of 2.4 m.
    static let cartPoleWorldWidth = 4.8

    /// Draws the cart, the pole of length `2 * length` and the track.
    ///
    /// At the default context the canvas shows 125 pixels per metre, the track lies 100
    /// pixels above the bottom edge and the pole leans towards positive x for a positive angle.
    static func drawCartPole(state: [Double], context: Context, on canvas: SoftwareCanvas) {
        let scale = Double(canvas.width) / cartPoleWorldWidth
        let poleWidth = 10.0
        let poleLength = scale * (2 * context["length"])
        let cartWidth = 50.0
        let cartHeight = 30.0
        let axleOffset = cartHeight / 4
        let cartX = state[0] * scale + Double(canvas.width) / 2
        let cartY = 100.0

        let cart: [Point] = [
            (-cartWidth / 2, -cartHeight / 2), (-cartWidth / 2, cartHeight / 2),
            (cartWidth / 2, cartHeight / 2), (cartWidth / 2, -cartHeight / 2),
        ]
        fillPolygon(translated(cart, by: (cartX, cartY)), color: .black, on: canvas)

        // Rotating by minus the angle turns a positive angle towards positive x.
        let pole: [Point] = [
            (-poleWidth / 2, -poleWidth / 2), (-poleWidth / 2, poleLength - poleWidth / 2),
            (poleWidth / 2, poleLength - poleWidth / 2), (poleWidth / 2, -poleWidth / 2),
        ]
        let rotatedPole = pole.map { rotated($0, by: -state[2]) }
        fillPolygon(
            translated(rotatedPole, by: (cartX, cartY + axleOffset)), color: poleColor,
            on: canvas)

        fillCircle(
            center: (cartX, cartY + axleOffset), radius: Int(poleWidth / 2), color: axleColor,
            on: canvas)

        canvas.drawLine(
            x1: 0, y1: Int(cartY), x2: canvas.width, y2: Int(cartY), color: .black)
    }

    // MARK: - MountainCar

    /// Returns the track height at position `x`, `0.45 sin(3x) + 0.55`, in the track's units.
    static func mountainHeight(_ x: Double) -> Double {
        sin(3 * x) * 0.45 + 0.55
    }

    /// Draws the track between the walls, the car and the goal flag at `goal_position`.
    ///
    /// The same drawing serves MountainCar and MountainCarContinuous, as in Gymnasium.
    static func drawMountainCar(state: [Double], context: Context, on canvas: SoftwareCanvas) {
        let minimumPosition = context["min_position"]
        let maximumPosition = context["max_position"]
        let scale = Double(canvas.width) / (maximumPosition - minimumPosition)
        let carWidth = 40.0
        let carHeight = 20.0
        let clearance = 10.0
        let position = state[0]

        let track: [Point] = (0..<100).map { index in
            let x = minimumPosition + (maximumPosition - minimumPosition) * Double(index) / 99
            return ((x - minimumPosition) * scale, mountainHeight(x) * scale)
        }
        canvas.drawPolyline(track, color: .black)

        let tilt = cos(3 * position)
        let carOrigin: Point = (
            (position - minimumPosition) * scale,
            clearance + mountainHeight(position) * scale
        )
        let car: [Point] = [
            (-carWidth / 2, 0), (-carWidth / 2, carHeight), (carWidth / 2, carHeight),
            (carWidth / 2, 0),
        ]
        let rotatedCar = car.map { rotated($0, by: tilt) }
        fillPolygon(translated(rotatedCar, by: carOrigin), color: .black, on: canvas)

        for wheel: Point in [(carWidth / 4, 0), (-carWidth / 4, 0)] {
            let offset = rotated(wheel, by: tilt)
            fillCircle(
                center: (offset.x + carOrigin.x, offset.y + carOrigin.y),
                radius: Int(carHeight / 2.5), color: wheelColor, on: canvas)
        }

        let goal = context["goal_position"]
        let flagX = pixel((goal - minimumPosition) * scale)
        let flagBottom = pixel(mountainHeight(goal) * scale)
        let flagTop = flagBottom + 50
        canvas.drawLine(x1: flagX, y1: flagBottom, x2: flagX, y2: flagTop, color: .black)
        let flag: [Point] = [
            (Double(flagX), Double(flagTop)), (Double(flagX), Double(flagTop - 10)),
            (Double(flagX + 25), Double(flagTop - 5)),
        ]
        fillPolygon(flag, color: flagColor, on: canvas)
    }

    // MARK: - Pendulum

    /// Draws the rod of length `l` hanging from the centre, its end caps and the axle.
    ///
    /// Gymnasium always draws a rod of 1 m in a view of 2.2 m from the centre to each edge.
    /// Here the rod has the context's length `l`, and the view widens to `l + 1.2` m when the
    /// rod is longer than 1 m, so the default context draws exactly as Gymnasium does.
    ///
    /// NOTE: Gymnasium also draws an arrow image scaled by the last torque; it is not drawn
    /// here, because the frame depends only on the state.
    static func drawPendulum(state: [Double], context: Context, on canvas: SoftwareCanvas) {
        let length = context["l"]
        let bound = max(2.2, length + 1.2)
        let scale = Double(canvas.width) / (bound * 2)
        let offset = Double(canvas.width / 2)
        let rodLength = length * scale
        let rodWidth = 0.2 * scale
        let angle = state[0] + Double.pi / 2

        let rod: [Point] = [
            (0, -rodWidth / 2), (0, rodWidth / 2), (rodLength, rodWidth / 2),
            (rodLength, -rodWidth / 2),
        ]
        let rotatedRod = rod.map { rotated($0, by: angle) }
        fillPolygon(translated(rotatedRod, by: (offset, offset)), color: pendulumColor, on: canvas)
        fillCircle(
            center: (offset, offset), radius: Int(rodWidth / 2), color: pendulumColor,
            on: canvas)

        let end = rotated((rodLength, 0), by: angle)
        fillCircle(
            center: (Double(pixel(end.x + offset)), Double(pixel(end.y + offset))),
            radius: Int(rodWidth / 2), color: pendulumColor, on: canvas)

        fillCircle(
            center: (offset, offset), radius: Int(0.05 * scale), color: .black, on: canvas)
    }

    // MARK: - Acrobot

    /// Draws the reference line and both links with the context's link lengths.
    ///
    /// The view spans `link_length_1 + link_length_2 + 0.2` m from the centre to each edge,
    /// as in Gymnasium, where the lengths are class attributes.
    static func drawAcrobot(state: [Double], context: Context, on canvas: SoftwareCanvas) {
        let firstLength = context["link_length_1"]
        let secondLength = context["link_length_2"]
        let bound = firstLength + secondLength + 0.2
        let scale = Double(canvas.width) / (bound * 2)
        let offset = Double(canvas.width) / 2

        // The horizontal line 1 m above the pivot, fixed in metres as in Gymnasium.
        canvas.drawLine(
            x1: pixel(-2.2 * scale + offset), y1: pixel(1 * scale + offset),
            x2: pixel(2.2 * scale + offset), y2: pixel(1 * scale + offset), color: .black)

        let joints: [Point] = [
            (0, 0), (firstLength * sin(state[0]) * scale, -firstLength * cos(state[0]) * scale),
        ]
        let angles = [state[0] - Double.pi / 2, state[0] + state[1] - Double.pi / 2]
        let lengths = [firstLength * scale, secondLength * scale]

        for index in 0..<2 {
            let origin: Point = (joints[index].x + offset, joints[index].y + offset)
            let link: [Point] = [
                (0, -0.1 * scale), (0, 0.1 * scale), (lengths[index], 0.1 * scale),
                (lengths[index], -0.1 * scale),
            ]
            let rotatedLink = link.map { rotated($0, by: angles[index]) }
            fillPolygon(translated(rotatedLink, by: origin), color: linkColor, on: canvas)
            fillCircle(
                center: origin, radius: Int(0.1 * scale), color: jointColor, on: canvas)
        }
    }

    // MARK: - Geometry

    /// Rotates counter-clockwise in a y-up frame, as pygame's `Vector2.rotate_rad` does.
    static func rotated(_ point: Point, by angle: Double) -> Point {
        let cosine = cos(angle)
        let sine = sin(angle)
        return (point.x * cosine - point.y * sine, point.x * sine + point.y * cosine)
    }

    static func translated(_ points: [Point], by offset: Point) -> [Point] {
        points.map { ($0.x + offset.x, $0.y + offset.y) }
    }

    /// Truncates a coordinate towards zero, clamped to the 16-bit range that pygame's drawing
    /// functions take, so that far-away states draw off the canvas instead of trapping.
    static func pixel(_ value: Double) -> Int {
        Int(min(max(value, -32768), 32767))
    }

    private static func fillPolygon(_ points: [Point], color: RGBColor, on canvas: SoftwareCanvas) {
        let clamped = points.map { (x: Double(pixel($0.x)), y: Double(pixel($0.y))) }
        canvas.fillSpans(Rasterizer.polygonSpans(clamped), color: color)
    }

    private static func fillCircle(
        center: Point, radius: Int, color: RGBColor, on canvas: SoftwareCanvas
    ) {
        canvas.fillSpans(
            Rasterizer.circleSpans(
                centerX: pixel(center.x), centerY: pixel(center.y), radius: radius),
            color: color)
    }
}
