// FluxP2P: see docs/ARCHITECTURE.md.
