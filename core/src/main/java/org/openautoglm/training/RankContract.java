package org.openautoglm.training;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every training process gets, identical on every launcher, so one script runs
 * unchanged on a laptop, a GPU agent or a Kubernetes cluster (the variables torchrun sets).
 *
 * <p>Ranks are numbered node by node: rank {@code r} runs on node {@code r / procsPerNode} as local
 * rank {@code r % procsPerNode}.
 */
public final class RankContract {
  private RankContract() {}

  /** The variables for one process. */
  public static Map<String, String> environment(
      String masterAddress, int masterPort, int nodes, int procsPerNode, int rank) {
    if (nodes < 1 || procsPerNode < 1 || rank < 0 || rank >= nodes * procsPerNode) {
      throw new IllegalArgumentException(
          "rank " + rank + " is outside " + nodes + " nodes × " + procsPerNode + " processes");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MASTER_ADDR", masterAddress);
    env.put("MASTER_PORT", Integer.toString(masterPort));
    env.put("WORLD_SIZE", Integer.toString(nodes * procsPerNode));
    env.put("RANK", Integer.toString(rank));
    env.put("LOCAL_RANK", Integer.toString(rank % procsPerNode));
    env.put("LOCAL_WORLD_SIZE", Integer.toString(procsPerNode));
    env.put("NODE_RANK", Integer.toString(rank / procsPerNode));
    env.put("NNODES", Integer.toString(nodes));
    return env;
  }
}
