// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ctxrl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ctxrl", targets: ["ctxrl"]),
        .library(name: "Numerics", targets: ["Numerics"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "Learning", targets: ["Learning"]),
    ],
    targets: [
        // MARK: - C libraries from Debian packages

        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CSDL2",
            path: "Sources/CSDL2",
            pkgConfig: "sdl2",
            providers: [.apt(["libsdl2-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            path: "Sources/CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CGIF",
            path: "Sources/CGIF",
            providers: [.apt(["libgif-dev"])]
        ),
        .systemLibrary(
            name: "CSDL2TTF",
            path: "Sources/CSDL2TTF",
            pkgConfig: "SDL2_ttf",
            providers: [.apt(["libsdl2-ttf-dev"])]
        ),

        // MARK: - Libraries

        .target(
            name: "Numerics", dependencies: ["CBLAS"], path: "Sources/Numerics",
            exclude: ["README.md"]
        ),
        .target(
            name: "Neural", dependencies: ["Numerics"], path: "Sources/Neural",
            exclude: ["README.md"]
        ),
        .target(
            name: "Environments", dependencies: ["Numerics"], path: "Environments",
            exclude: ["README.md"]
        ),
        .target(
            name: "Learning",
            dependencies: ["Numerics", "Neural", "Environments"],
            path: "Sources/Learning",
            exclude: ["README.md"]
        ),
        .target(
            name: "RunStore", dependencies: ["CSQLite"], path: "Sources/RunStore",
            exclude: ["README.md"]
        ),
        .target(
            name: "Rendering",
            dependencies: ["Environments", "CSDL2", "CSDL2TTF", "CPNG", "CGIF"],
            path: "Sources/Rendering",
            exclude: ["README.md"]
        ),
        .target(
            name: "Transfer",
            dependencies: ["Numerics", "Neural", "Environments", "Learning", "RunStore"],
            path: "Sources/Transfer",
            exclude: ["README.md"]
        ),
        .target(
            name: "Adapters", dependencies: ["Numerics", "Neural", "Environments", "Learning"],
            path: "Sources/Adapters", exclude: ["README.md"]
        ),
        .target(
            name: "Sweep", dependencies: ["Transfer", "RunStore", "Environments"],
            path: "Sources/Sweep"
        ),
        .executableTarget(name: "ctxrl-store-writer", dependencies: ["RunStore"], path: "Sources/StoreWriter"),

        // MARK: - Command line

        .executableTarget(
            name: "ctxrl",
            dependencies: [
                "Numerics", "Neural", "Environments", "Learning", "RunStore", "Transfer",
                "Rendering", "Adapters", "Sweep",
            ],
            path: "Sources/ctxrl",
            exclude: ["README.md"]
        ),

        // MARK: - Tests

        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "Numerics"]),
        .testTarget(
            name: "EnvironmentsTests",
            dependencies: ["Environments", "Numerics"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "Neural", "Environments"]),
        .testTarget(name: "RunStoreTests", dependencies: ["RunStore"]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "Transfer", "RunStore", "Learning", "Environments"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Environments"]),
        .testTarget(name: "TransferTests", dependencies: ["Transfer", "Numerics", "Environments"]),
        .testTarget(name: "AdaptersTests", dependencies: ["Adapters", "Neural", "Numerics", "Learning", "Environments"]),
        .testTarget(name: "SystemLibrariesTests", dependencies: ["CBLAS", "CSQLite", "CSDL2", "CPNG"]),
        .testTarget(name: "CLITests", dependencies: ["RunStore"], exclude: ["MalformedScenarios"]),
    ]
)
