// FluxWallet: see docs/ARCHITECTURE.md.
