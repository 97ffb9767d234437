import CGIF
import Foundation

/// One giflib encoder handle, written in order: screen, loop extension, images, finish.
///
/// `deinit` closes a handle that `finish()` did not, so a failed write never leaks it.
final class GIFFileWriter {
    private var handle: UnsafeMutablePointer<GifFileType>?
    private let path: String

    init(path: String) throws {
        // EGifOpenFileName would create the file readable by its owner only (mode 0600), so
        // the file is opened here with the usual 0666 less the process's umask.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
        guard descriptor >= 0 else {
            throw RenderingError.gifWriteFailed(
                path: path, message: String(cString: strerror(errno)))
        }
        var error: Int32 = 0
        // From here on giflib owns the descriptor and EGifCloseFile closes it.
        guard let handle = EGifOpenFileHandle(descriptor, &error) else {
            close(descriptor)
            throw RenderingError.gifWriteFailed(path: path, message: gifErrorMessage(error))
        }
        // Graphics control and application extensions need GIF89a.
        EGifSetGifVersion(handle, true)
        self.handle = handle
        self.path = path
    }

    deinit {
        if let handle {
            var error: Int32 = 0
            EGifCloseFile(handle, &error)
        }
    }

    /// Writes the logical screen descriptor with the global palette.
    func putScreen(width: Int, height: Int, palette: [RGBColor]) throws {
        // giflib accepts only colour tables whose size is a power of two, from 2 to 256.
        var size = 2
        while size < palette.count { size *= 2 }
        var colors = palette.map { GifColorType(Red: $0.red, Green: $0.green, Blue: $0.blue) }
        colors += Array(
            repeating: GifColorType(Red: 0, Green: 0, Blue: 0), count: size - colors.count)
        guard let map = GifMakeMapObject(Int32(size), colors) else {
            throw RenderingError.gifWriteFailed(
                path: path, message: "GifMakeMapObject rejected \(size) colours")
        }
        // EGifPutScreenDesc keeps its own copy of the colour map.
        defer { GifFreeMapObject(map) }
        try check(
            EGifPutScreenDesc(handle, Int32(width), Int32(height), 8, 0, map),
            call: "EGifPutScreenDesc")
    }

    /// Writes the NETSCAPE2.0 application extension that sets the loop count.
    func putLoopExtension(loopCount: Int) throws {
        try check(
            EGifPutExtensionLeader(handle, APPLICATION_EXT_FUNC_CODE),
            call: "EGifPutExtensionLeader")
        let identifier = Array("NETSCAPE2.0".utf8)
        try check(
            EGifPutExtensionBlock(handle, Int32(identifier.count), identifier),
            call: "EGifPutExtensionBlock")
        // Sub-block 1 carries the loop count as a little-endian 16-bit number.
        let loop: [UInt8] = [1, UInt8(loopCount & 0xFF), UInt8(loopCount >> 8)]
        try check(
            EGifPutExtensionBlock(handle, Int32(loop.count), loop),
            call: "EGifPutExtensionBlock")
        try check(EGifPutExtensionTrailer(handle), call: "EGifPutExtensionTrailer")
    }

    /// Writes one full-canvas image preceded by its graphics control extension.
    func putImage(indices: [UInt8], width: Int, height: Int, delay: Int) throws {
        var control = GraphicsControlBlock(
            DisposalMode: DISPOSE_DO_NOT, UserInputFlag: false, DelayTime: Int32(delay),
            TransparentColor: NO_TRANSPARENT_COLOR)
        var extensionBytes = [UInt8](repeating: 0, count: 4)
        let length = EGifGCBToExtension(&control, &extensionBytes)
        try check(
            EGifPutExtension(handle, GRAPHICS_EXT_FUNC_CODE, Int32(length), extensionBytes),
            call: "EGifPutExtension")
        try check(
            EGifPutImageDesc(handle, 0, 0, Int32(width), Int32(height), false, nil),
            call: "EGifPutImageDesc")
        var pixels = indices
        // EGifPutLine takes the whole image at once when given width x height pixels.
        try check(
            EGifPutLine(handle, &pixels, Int32(pixels.count)), call: "EGifPutLine")
    }

    /// Writes the trailer and closes the file.
    func finish() throws {
        guard let handle else { return }
        self.handle = nil
        var error: Int32 = 0
        // EGifCloseFile frees the handle even when it fails.
        guard EGifCloseFile(handle, &error) == GIF_OK else {
            throw RenderingError.gifWriteFailed(
                path: path, message: "EGifCloseFile: \(gifErrorMessage(error))")
        }
    }

    private func check(_ status: Int32, call: String) throws {
        guard status == GIF_OK else {
            let code = handle?.pointee.Error ?? 0
            throw RenderingError.gifWriteFailed(
                path: path, message: "\(call): \(gifErrorMessage(code))")
        }
    }
}

/// Composes the images that `DGifSlurp` read into full frames.
struct GIFComposer {
    let handle: UnsafeMutablePointer<GifFileType>
    let path: String

    func compose() throws -> AnimatedGIF.Animation {
        let file = handle.pointee
        let width = Int(file.SWidth)
        let height = Int(file.SHeight)
        guard width > 0, height > 0 else {
            throw RenderingError.gifReadFailed(
                path: path, message: "the logical screen is \(width)x\(height)")
        }
        let background = color(at: Int(file.SBackGroundColor), in: file.SColorMap) ?? .black
        var canvas = Frame(width: width, height: height, color: background)
        var frames: [Frame] = []
        var delays: [Int] = []

        for index in 0..<Int(file.ImageCount) {
            let image = file.SavedImages[index]
            let description = image.ImageDesc
            guard let map = description.ColorMap ?? file.SColorMap else {
                throw RenderingError.gifReadFailed(
                    path: path, message: "image \(index) has no colour map")
            }
            var control = GraphicsControlBlock(
                DisposalMode: DISPOSAL_UNSPECIFIED, UserInputFlag: false, DelayTime: 0,
                TransparentColor: NO_TRANSPARENT_COLOR)
            // Without a graphics control extension the defaults above stay.
            _ = DGifSavedExtensionToGCB(handle, Int32(index), &control)

            let previous = canvas
            let left = Int(description.Left)
            let top = Int(description.Top)
            for row in 0..<Int(description.Height) where (0..<height).contains(top + row) {
                for column in 0..<Int(description.Width) where (0..<width).contains(left + column) {
                    let colorIndex = Int(image.RasterBits[row * Int(description.Width) + column])
                    if colorIndex == Int(control.TransparentColor) { continue }
                    if let pixel = color(at: colorIndex, in: map) {
                        canvas[top + row, left + column] = pixel
                    }
                }
            }
            frames.append(canvas)
            delays.append(Int(control.DelayTime))

            switch control.DisposalMode {
            case DISPOSE_BACKGROUND:
                for row in 0..<Int(description.Height) where (0..<height).contains(top + row) {
                    for column in 0..<Int(description.Width)
                    where (0..<width).contains(left + column) {
                        canvas[top + row, left + column] = background
                    }
                }
            case DISPOSE_PREVIOUS:
                canvas = previous
            default:
                break
            }
        }
        return AnimatedGIF.Animation(frames: frames, delays: delays)
    }

    private func color(at index: Int, in map: UnsafeMutablePointer<ColorMapObject>?) -> RGBColor? {
        guard let map, index >= 0, index < Int(map.pointee.ColorCount) else { return nil }
        let entry = map.pointee.Colors[index]
        return RGBColor(red: entry.Red, green: entry.Green, blue: entry.Blue)
    }
}
