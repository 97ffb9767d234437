import CPNG
import Foundation

/// PNG files through libpng's simplified `png_image_*` API.
///
/// The simplified API reports failure through its return value and `png_image.message`,
/// never through `longjmp`, so Swift frames are never jumped over.
extension Frame {
    /// Writes the frame as an 8-bit RGB PNG file.
    ///
    /// - Throws: `RenderingError.pngWriteFailed` with libpng's message, for example when the
    ///   folder does not exist.
    public func writePNG(to path: String) throws {
        var image = describedImage()
        let succeeded = pixels.withUnsafeBytes { buffer in
            png_image_write_to_file(&image, path, 0, buffer.baseAddress, Int32(width * 3), nil)
        }
        let message = pngMessage(of: &image)
        png_image_free(&image)
        guard succeeded != 0 else {
            throw RenderingError.pngWriteFailed(path: path, message: message)
        }
    }

    /// Encodes the frame as an 8-bit RGB PNG in memory, for example for a `data:` URI.
    ///
    /// - Throws: `RenderingError.pngWriteFailed` with libpng's message and the path
    ///   `"(memory)"`.
    public func pngData() throws -> Data {
        var image = describedImage()
        let stride = Int32(width * 3)
        // The first call with no buffer only measures the encoded size.
        var size = 0
        var succeeded = pixels.withUnsafeBytes { buffer in
            png_image_write_to_memory(&image, nil, &size, 0, buffer.baseAddress, stride, nil)
        }
        var data = Data(count: size)
        if succeeded != 0 {
            succeeded = data.withUnsafeMutableBytes { output in
                pixels.withUnsafeBytes { buffer in
                    png_image_write_to_memory(
                        &image, output.baseAddress, &size, 0, buffer.baseAddress, stride, nil)
                }
            }
        }
        let message = pngMessage(of: &image)
        png_image_free(&image)
        guard succeeded != 0 else {
            throw RenderingError.pngWriteFailed(path: "(memory)", message: message)
        }
        return data.prefix(size)
    }

    /// Reads a PNG file of any colour type and bit depth into an 8-bit RGB frame.
    ///
    /// An alpha channel is composited onto white; grey images are expanded to RGB.
    ///
    /// - Throws: `RenderingError.pngReadFailed` with libpng's message, for example when the
    ///   file is missing or is not a PNG file.
    public static func readPNG(from path: String) throws -> Frame {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let message = pngMessage(of: &image)
            png_image_free(&image)
            throw RenderingError.pngReadFailed(path: path, message: message)
        }
        image.format = png_uint_32(PNG_FORMAT_RGB)
        let width = Int(image.width)
        let height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var background = png_color(red: 255, green: 255, blue: 255)
        // png_image_finish_read frees the image's internal state whether it succeeds or not.
        let succeeded = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, &background, buffer.baseAddress, Int32(width * 3), nil)
        }
        guard succeeded != 0 else {
            throw RenderingError.pngReadFailed(path: path, message: pngMessage(of: &image))
        }
        return Frame(width: width, height: height, pixels: pixels)
    }

    private func describedImage() -> png_image {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(PNG_FORMAT_RGB)
        return image
    }
}

/// Returns the NUL-terminated message that libpng left in `image.message`.
private func pngMessage(of image: inout png_image) -> String {
    withUnsafeBytes(of: &image.message) { bytes in
        let characters = bytes.prefix { $0 != 0 }
        let text = String(decoding: characters, as: UTF8.self)
        return text.isEmpty ? "libpng gave no message" : text
    }
}
