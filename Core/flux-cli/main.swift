print("flux-cli")
