// FluxNode: see docs/ARCHITECTURE.md.
