package org.openautoglm.config.source;

/**
 * Bounds that keep hostile input cheap to reject: every file is checked against them before or
 * while it is parsed, so an alias bomb or a huge file costs milliseconds and little memory.
 *
 * @param maxBytes largest accepted file, checked before reading (default 10 MiB)
 * @param maxDepth deepest nesting of mappings and sequences (default 50)
 * @param maxAliases most aliases to collections in one document (default 50)
 * @param maxNodes most nodes in one document after alias expansion (default 500,000)
 */
public record LoadLimits(long maxBytes, int maxDepth, int maxAliases, int maxNodes) {

  public static final LoadLimits DEFAULT = new LoadLimits(10L * 1024 * 1024, 50, 50, 500_000);

  public LoadLimits {
    if (maxBytes < 1 || maxDepth < 1 || maxAliases < 0 || maxNodes < 1) {
      throw new IllegalArgumentException("load limits must be positive");
    }
  }

  public LoadLimits withMaxBytes(long bytes) {
    return new LoadLimits(bytes, maxDepth, maxAliases, maxNodes);
  }

  public LoadLimits withMaxDepth(int depth) {
    return new LoadLimits(maxBytes, depth, maxAliases, maxNodes);
  }
}
