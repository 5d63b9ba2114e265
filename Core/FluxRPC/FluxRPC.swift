// FluxRPC: see docs/ARCHITECTURE.md.
