import Foundation
import Numerics

// Small products run fastest on one thread; ctxrl parallelises whole trainings instead.
setBLASThreadCount(1)
exit(CommandLineTool.run(arguments: Array(CommandLine.arguments.dropFirst())))
