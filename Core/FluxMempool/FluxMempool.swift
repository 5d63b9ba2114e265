// FluxMempool: see docs/ARCHITECTURE.md.
