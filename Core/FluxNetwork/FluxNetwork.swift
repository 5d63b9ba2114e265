// FluxNetwork: see docs/ARCHITECTURE.md.
