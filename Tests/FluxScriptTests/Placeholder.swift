import Testing
@testable import FluxScript
