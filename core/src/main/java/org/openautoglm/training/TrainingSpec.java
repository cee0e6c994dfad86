package org.openautoglm.training;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What to train and how: the {@code training} section of {@code autoglm.yaml}, with command-line
 * overrides applied. Both launchers read it; the Kubernetes planner turns it into objects.
 *
 * @param name base name of the workload (the project's name unless set); DNS-1123 label
 * @param image container image (Kubernetes only)
 * @param command program and arguments, never a shell string
 * @param workingDir working directory, or {@code null} (the project directory locally, the image's
 *     on Kubernetes)
 * @param env extra environment variables for every rank
 * @param nodes number of nodes (pods)
 * @param procsPerNode training processes per node, usually one per GPU
 * @param gpusPerNode GPUs requested per node (0 for CPU-only)
 * @param gpuResource the extended resource that counts GPUs
 * @param cpu CPU request and limit per node (a Kubernetes quantity), or {@code null}
 * @param memory memory request and limit per node, or {@code null}
 * @param shmSize size of the in-memory {@code /dev/shm} NCCL needs
 * @param nodeSelector node labels the pods must match
 * @param serviceAccount service account of the pods, or {@code null}
 * @param imagePullSecrets names of image pull secrets
 * @param volumes persistent volume claims to mount (data, checkpoints)
 * @param queue the Kueue or Volcano queue for gang scheduling, or {@code null}
 * @param timeout limit for the whole run
 * @param maxRestarts restarts of the whole group after a failure
 * @param keepOnFailure keep a failed job's objects for inspection instead of deleting them
 * @param masterPort port rank 0 listens on (Kubernetes; locally a free port is chosen)
 */
public record TrainingSpec(
    String name,
    String image,
    List<String> command,
    String workingDir,
    Map<String, String> env,
    int nodes,
    int procsPerNode,
    int gpusPerNode,
    String gpuResource,
    String cpu,
    String memory,
    String shmSize,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    String serviceAccount,
    List<String> imagePullSecrets,
    List<VolumeMount> volumes,
    Queue queue,
    Duration timeout,
    int maxRestarts,
    boolean keepOnFailure,
    int masterPort) {

  public static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";
  public static final String DEFAULT_SHM_SIZE = "8Gi";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(24);
  public static final int DEFAULT_MASTER_PORT = 29500;

  public TrainingSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    nodeSelector = Map.copyOf(nodeSelector);
    tolerations = List.copyOf(tolerations);
    imagePullSecrets = List.copyOf(imagePullSecrets);
    volumes = List.copyOf(volumes);
  }

  public int worldSize() {
    return nodes * procsPerNode;
  }

  /** This spec with a different shape (command-line {@code --nodes}/{@code --procs-per-node}). */
  public TrainingSpec withShape(int newNodes, int newProcsPerNode, int newGpusPerNode) {
    return new TrainingSpec(
        name,
        image,
        command,
        workingDir,
        env,
        newNodes,
        newProcsPerNode,
        newGpusPerNode,
        gpuResource,
        cpu,
        memory,
        shmSize,
        nodeSelector,
        tolerations,
        serviceAccount,
        imagePullSecrets,
        volumes,
        queue,
        timeout,
        maxRestarts,
        keepOnFailure,
        masterPort);
  }

  /** This spec running another command ({@code autoglm train -- COMMAND...}). */
  public TrainingSpec withCommand(List<String> newCommand) {
    return new TrainingSpec(
        name,
        image,
        newCommand,
        workingDir,
        env,
        nodes,
        procsPerNode,
        gpusPerNode,
        gpuResource,
        cpu,
        memory,
        shmSize,
        nodeSelector,
        tolerations,
        serviceAccount,
        imagePullSecrets,
        volumes,
        queue,
        timeout,
        maxRestarts,
        keepOnFailure,
        masterPort);
  }

  /** A Kubernetes toleration; {@code operator} is {@code Equal} or {@code Exists}. */
  public record Toleration(String key, String operator, String value, String effect) {}

  /** A persistent volume claim mounted into every pod. */
  public record VolumeMount(String name, String claim, String mountPath, boolean readOnly) {}

  /** Where gang scheduling happens: a Kueue LocalQueue or a Volcano queue. */
  public record Queue(Kind kind, String name) {
    /** The scheduler that admits the whole job at once. */
    public enum Kind {
      KUEUE,
      VOLCANO
    }
  }
}
