package org.openautoglm.training.kubernetes;

import java.time.Duration;

/**
 * How the Kubernetes launcher behaves around a run; the run itself is the plan and the spec.
 *
 * @param timeout limit for the whole run, restarts included; {@code null} takes the spec's timeout
 *     (on {@link KubernetesLauncher#attach}, the deadline stamped on the Job when it was submitted
 *     wins)
 * @param pendingWarning after a rank has been pending this long, the launcher says why and what to
 *     do (once per rank and reason)
 * @param pendingTimeout fail the run when a rank has been pending this long, or {@code null} to
 *     wait until the run's timeout (a busy queue can legitimately hold a job for hours)
 * @param startErrorTimeout fail the run when a container has not been able to start this long
 *     (ImagePullBackOff, ErrImagePull, CreateContainerConfigError): these rarely heal alone
 * @param syncTimeout how long the first list of the Job and its pods may take
 * @param deleteTimeout how long clean-up waits for the Job and its pods to be gone
 * @param logDrain how long the logs of ended pods may take to arrive before the streams are closed
 * @param preflight check the namespace, resources and queue before submitting
 * @param deleteOnSuccess delete the Job, Service and ConfigMap once the run succeeded (their logs
 *     have been streamed already); otherwise the Job's {@code ttlSecondsAfterFinished}, if the plan
 *     sets one, removes them
 */
public record LauncherOptions(
    Duration timeout,
    Duration pendingWarning,
    Duration pendingTimeout,
    Duration startErrorTimeout,
    Duration syncTimeout,
    Duration deleteTimeout,
    Duration logDrain,
    boolean preflight,
    boolean deleteOnSuccess) {

  /** The defaults: warn after 5 min pending, fail after 5 min of image errors, check first. */
  public static LauncherOptions defaults() {
    return new LauncherOptions(
        null,
        Duration.ofMinutes(5),
        null,
        Duration.ofMinutes(5),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        Duration.ofSeconds(10),
        true,
        true);
  }

  public LauncherOptions {
    requirePositive(pendingWarning, "pendingWarning");
    requirePositive(startErrorTimeout, "startErrorTimeout");
    requirePositive(syncTimeout, "syncTimeout");
    requirePositive(deleteTimeout, "deleteTimeout");
    requirePositive(logDrain, "logDrain");
    if (timeout != null) {
      requirePositive(timeout, "timeout");
    }
    if (pendingTimeout != null) {
      requirePositive(pendingTimeout, "pendingTimeout");
    }
  }

  private static void requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration");
    }
  }

  public LauncherOptions withTimeout(Duration newTimeout) {
    return new LauncherOptions(
        newTimeout,
        pendingWarning,
        pendingTimeout,
        startErrorTimeout,
        syncTimeout,
        deleteTimeout,
        logDrain,
        preflight,
        deleteOnSuccess);
  }

  public LauncherOptions withPending(Duration newWarning, Duration newTimeout) {
    return new LauncherOptions(
        timeout,
        newWarning,
        newTimeout,
        startErrorTimeout,
        syncTimeout,
        deleteTimeout,
        logDrain,
        preflight,
        deleteOnSuccess);
  }

  public LauncherOptions withStartErrorTimeout(Duration newTimeout) {
    return new LauncherOptions(
        timeout,
        pendingWarning,
        pendingTimeout,
        newTimeout,
        syncTimeout,
        deleteTimeout,
        logDrain,
        preflight,
        deleteOnSuccess);
  }

  public LauncherOptions withPreflight(boolean check) {
    return new LauncherOptions(
        timeout,
        pendingWarning,
        pendingTimeout,
        startErrorTimeout,
        syncTimeout,
        deleteTimeout,
        logDrain,
        check,
        deleteOnSuccess);
  }

  public LauncherOptions withDeleteOnSuccess(boolean delete) {
    return new LauncherOptions(
        timeout,
        pendingWarning,
        pendingTimeout,
        startErrorTimeout,
        syncTimeout,
        deleteTimeout,
        logDrain,
        preflight,
        delete);
  }

  public LauncherOptions withLogDrain(Duration newDrain) {
    return new LauncherOptions(
        timeout,
        pendingWarning,
        pendingTimeout,
        startErrorTimeout,
        syncTimeout,
        deleteTimeout,
        newDrain,
        preflight,
        deleteOnSuccess);
  }
}
