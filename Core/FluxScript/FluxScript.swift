/// Keys, signature hashes and the script interpreter.
public enum FluxScriptModule {}
