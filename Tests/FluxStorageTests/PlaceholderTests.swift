import Testing
@testable import FluxStorage
