package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openautoglm.training.Metric;
import org.openautoglm.training.MetricLine;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingState;

/**
 * Follows one submitted Job to its end: reads every rank's state from the informers' caches on each
 * change, streams the logs of started pods, reports what changed, and decides when the run is over.
 * It deletes nothing; the launcher cleans up.
 *
 * <p>Failed pods are judged as the Job controller will judge them, from the Job's own {@code
 * podFailurePolicy} and {@code backoffLimit}, but without waiting for it: a failure the policy
 * makes fatal ({@code FailJob}) or one that exhausts the budget ends the run at once (fail fast); a
 * failure within the budget, or one the policy ignores (a disruption), is reported and the run goes
 * on with the pod the Job controller puts in its place.
 */
final class RunFollower {
  /** How the Job ended, seen from here. */
  record Outcome(
      TrainingState state,
      List<RankStatus> ranks,
      RankStatus firstFailure,
      boolean timedOut,
      int attempts) {}

  /** Lets {@link KubernetesLauncher#cancel} stop a run followed in this process. */
  static final class Control {
    private volatile boolean cancelled;
    private volatile Runnable wake = () -> {};

    void cancel() {
      cancelled = true;
      wake.run();
    }

    boolean isCancelled() {
      return cancelled;
    }
  }

  private final KubernetesClient client;
  private final TrainingListener listener;
  private final LauncherOptions options;
  private final Map<String, List<Metric>> metrics;
  private final Consumer<List<RankStatus>> snapshots;

  RunFollower(
      KubernetesClient client,
      TrainingListener listener,
      LauncherOptions options,
      Map<String, List<Metric>> metrics,
      Consumer<List<RankStatus>> snapshots) {
    this.client = client;
    this.listener = listener;
    this.options = options;
    this.metrics = metrics;
    this.snapshots = snapshots;
  }

  /**
   * Follows {@code job} until it succeeds, fails, times out, is cancelled or disappears.
   *
   * @param deadline epoch milliseconds when the run times out
   * @param timeoutReason what to say when it does
   * @param logsSince skip log lines before this instant (re-attach), or {@code null}
   */
  Outcome follow(Job job, long deadline, String timeoutReason, Instant logsSince, Control control)
      throws InterruptedException {
    String namespace = job.getMetadata().getNamespace();
    String runId = job.getMetadata().getLabels().get(TrainingLabels.RUN);
    Run run = new Run(job, deadline, timeoutReason, control);
    BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    Runnable signal = () -> wake.offer(Boolean.TRUE);
    control.wake = signal;
    try (RunWatcher watcher =
            new RunWatcher(client, namespace, job.getMetadata().getName(), runId, signal);
        PodLogStreamer logs =
            new PodLogStreamer(
                client,
                namespace,
                run.container,
                this::line,
                pod -> run.podEnded(watcher, pod),
                logsSince)) {
      watcher.start(options.syncTimeout());
      while (true) {
        Outcome outcome = run.step(watcher, logs);
        if (outcome != null) {
          return outcome;
        }
        long wait = Math.min(1_000, Math.max(1, deadline - System.currentTimeMillis()));
        wake.poll(wait, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void line(int rank, String line) {
    listener.log(rank, line);
    MetricLine.parse(line, rank, System.currentTimeMillis())
        .ifPresent(
            metric -> {
              synchronized (metrics) {
                metrics.computeIfAbsent(metric.name(), name -> new ArrayList<>()).add(metric);
              }
              listener.metric(metric);
            });
  }

  /** The state of one follow: what was reported, since when ranks wait. */
  private final class Run {
    private final String namespace;
    private final String name;
    private final String uid;
    private final int ranks;
    private final String container;
    private final long deadline;
    private final String timeoutReason;
    private final Control control;
    private final RankStatus[] reported;
    private final long[] pendingSince;
    private final String[] startErrorReason;
    private final long[] startErrorSince;
    private final String[] warnedFor;
    private final Map<Integer, String> podNames = new LinkedHashMap<>();
    private final Set<String> judged = new HashSet<>();
    private final Map<String, String> restarting = new HashMap<>();
    private RankStatus firstFailure;
    private int counted;
    private int attempts = 1;

    Run(Job job, long deadline, String timeoutReason, Control control) {
      this.namespace = job.getMetadata().getNamespace();
      this.name = job.getMetadata().getName();
      this.uid = job.getMetadata().getUid();
      this.ranks = ranks(job);
      this.container = container(job);
      this.deadline = deadline;
      this.timeoutReason = timeoutReason;
      this.control = control;
      this.reported = new RankStatus[ranks];
      this.pendingSince = new long[ranks];
      this.startErrorReason = new String[ranks];
      this.startErrorSince = new long[ranks];
      this.warnedFor = new String[ranks];
      Arrays.fill(pendingSince, -1);
    }

    boolean podEnded(RunWatcher watcher, String pod) {
      return watcher.pods().stream()
          .filter(candidate -> pod.equals(candidate.getMetadata().getName()))
          .findFirst()
          .map(PodStates::isTerminal)
          .orElse(true);
    }

    Outcome step(RunWatcher watcher, PodLogStreamer logs) throws InterruptedException {
      long now = System.currentTimeMillis();
      if (control.isCancelled()) {
        return stopped(current(watcher), TrainingState.ABORTED, null, "the run was cancelled");
      }
      if (watcher.failure() != null) {
        String reason = "lost the watch on the run: " + watcher.failure().getMessage();
        return stopped(current(watcher), TrainingState.FAILED, failed(-1, reason), reason);
      }
      Job job = watcher.job();
      if (job == null || !uid.equals(job.getMetadata().getUid())) {
        listener.event(
            "the Job " + name + " was deleted outside autoglm; treating it as cancelled");
        return stopped(current(watcher), TrainingState.ABORTED, null, "the Job was deleted");
      }
      if (job.getMetadata().getDeletionTimestamp() != null) {
        listener.event("the Job " + name + " is being deleted; treating the run as cancelled");
        return stopped(current(watcher), TrainingState.ABORTED, null, "the Job was deleted");
      }

      attempts = Math.max(attempts, attempts(watcher.pods()));
      RankStatus fatal = judgeFailures(job, watcher.pods());
      Map<Integer, Pod> pods = PodStates.newestByIndex(watcher.pods(), uid, ranks);
      RankStatus[] status = statuses(job, pods);
      for (Map.Entry<Integer, Pod> entry : pods.entrySet()) {
        podNames.put(entry.getKey(), entry.getValue().getMetadata().getName());
        if (PodStates.hasStarted(entry.getValue())) {
          logs.follow(entry.getValue().getMetadata().getName(), entry.getKey());
        }
        if (PodStates.isTerminal(entry.getValue())) {
          logs.ended(entry.getValue().getMetadata().getName());
        }
      }
      snapshots.accept(List.of(status));
      report(status, pods);

      // the Job controller's verdict first; then the launcher's own, which does not wait for it
      JobCondition failure = PodStates.failure(job);
      if (failure != null) {
        RankStatus cause = jobFailure(failure, pods);
        listener.event("the Job failed: " + cause.reason());
        drain(logs, pods);
        boolean deadline = "DeadlineExceeded".equals(failure.getReason());
        RankStatus first =
            deadline ? failed(-1, timeoutReason + " (the Job's activeDeadlineSeconds)") : cause;
        if (firstFailure != null && !deadline) {
          first = firstFailure;
        }
        Outcome outcome =
            stopped(status, TrainingState.FAILED, first, "stopped because the Job failed");
        return new Outcome(
            outcome.state(), outcome.ranks(), outcome.firstFailure(), deadline, attempts);
      }
      if (fatal == null && !PodStates.isComplete(job) && !allSucceeded(status)) {
        return checkWaiting(status, pods, now);
      }
      if (PodStates.isComplete(job) || fatal == null) {
        drain(logs, pods);
        for (int rank = 0; rank < ranks; rank++) {
          if (status[rank].state() != RankState.SUCCEEDED) {
            status[rank] = new RankStatus(rank, RankState.SUCCEEDED, 0, null);
          }
        }
        snapshots.accept(List.of(status));
        listener.event("all " + ranks + " ranks succeeded");
        return new Outcome(TrainingState.SUCCEEDED, List.of(status), null, false, attempts);
      }
      RankStatus first = firstFailure != null ? firstFailure : fatal;
      listener.event(
          "rank " + fatal.rank() + " failed: " + fatal.reason() + "; stopping the other ranks");
      drain(logs, pods);
      return stopped(
          status, TrainingState.FAILED, first, "stopped because rank " + first.rank() + " failed");
    }

    private RankStatus[] current(RunWatcher watcher) {
      Job job = watcher.job();
      Map<Integer, Pod> pods = PodStates.newestByIndex(watcher.pods(), uid, ranks);
      if (job == null) {
        RankStatus[] status = new RankStatus[ranks];
        for (int rank = 0; rank < ranks; rank++) {
          Pod pod = pods.get(rank);
          status[rank] =
              pod != null
                  ? PodStates.status(rank, pod, container)
                  : reported[rank] != null
                      ? reported[rank]
                      : new RankStatus(rank, RankState.PENDING, null, "not started");
        }
        return status;
      }
      return statuses(job, pods);
    }

    private RankStatus[] statuses(Job job, Map<Integer, Pod> pods) {
      Set<Integer> completed =
          PodStates.indexes(job.getStatus() == null ? null : job.getStatus().getCompletedIndexes());
      RankStatus[] status = new RankStatus[ranks];
      for (int rank = 0; rank < ranks; rank++) {
        Pod pod = pods.get(rank);
        if (pod != null) {
          status[rank] = PodStates.status(rank, pod, container);
          String restart = restarting.get(pod.getMetadata().getName());
          if (restart != null && status[rank].state() == RankState.FAILED) {
            status[rank] =
                new RankStatus(
                    rank,
                    RankState.PENDING,
                    null,
                    "waiting for the Job controller to start it again after: " + restart);
          }
        } else if (completed.contains(rank)) {
          status[rank] = new RankStatus(rank, RankState.SUCCEEDED, 0, null);
        } else if (PodStates.isSuspended(job)) {
          String queue = PodStates.queueName(job);
          status[rank] =
              new RankStatus(
                  rank,
                  RankState.PENDING,
                  null,
                  "waiting for queue admission" + (queue == null ? "" : " (queue " + queue + ")"));
        } else {
          status[rank] =
              new RankStatus(
                  rank,
                  RankState.PENDING,
                  null,
                  "waiting for the Job controller to create the pod");
        }
      }
      return status;
    }

    /** Tells the listener what changed since the last look, ranks with the same news together. */
    private void report(RankStatus[] status, Map<Integer, Pod> pods) {
      Map<String, List<Integer>> news = new LinkedHashMap<>();
      for (int rank = 0; rank < ranks; rank++) {
        RankStatus now = status[rank];
        RankStatus before = reported[rank];
        if (before != null
            && before.state() == now.state()
            && Objects.equals(before.reason(), now.reason())) {
          continue;
        }
        reported[rank] = now;
        String text =
            switch (now.state()) {
              case PENDING -> "pending: " + now.reason();
              case RUNNING -> "running" + node(pods.get(rank));
              case SUCCEEDED -> "succeeded";
              case FAILED, STOPPED -> null; // named by the decision that follows
            };
        if (text != null) {
          news.computeIfAbsent(text, key -> new ArrayList<>()).add(rank);
        }
      }
      news.forEach((text, which) -> listener.event(describeRanks(which) + " " + text));
    }

    private String node(Pod pod) {
      String node = pod == null || pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      return node == null ? "" : " on node " + node;
    }

    /**
     * Judges the pods that failed since the last look, in the order they ended, as the Job
     * controller will; returns the failure that ends the run, or null.
     */
    private RankStatus judgeFailures(Job job, List<Pod> all) {
      boolean suspended = PodStates.isSuspended(job);
      List<Pod> failed = new ArrayList<>();
      for (Pod pod : all) {
        int rank = PodStates.completionIndex(pod);
        if (rank >= 0
            && rank < ranks
            && PodStates.ownedBy(pod, uid)
            && !judged.contains(pod.getMetadata().getName())
            && PodStates.status(rank, pod, container).state() == RankState.FAILED) {
          failed.add(pod);
        }
      }
      failed.sort(
          Comparator.comparing(
                  (Pod pod) -> Objects.toString(PodStates.finishedAt(pod, container), "~"))
              .thenComparing(PodStates::completionIndex));
      for (Pod pod : failed) {
        judged.add(pod.getMetadata().getName());
        if (suspended) {
          continue; // a queue took the Job back and its pods were stopped: not a failure
        }
        int rank = PodStates.completionIndex(pod);
        RankStatus failure = PodStates.status(rank, pod, container);
        switch (PodStates.failureAction(job, pod)) {
          case FAIL_JOB, FAIL_INDEX -> {
            remember(failure);
            return failure;
          }
          case IGNORE -> {
            restarting.put(pod.getMetadata().getName(), failure.reason());
            listener.event(
                "rank "
                    + rank
                    + " "
                    + failure.reason()
                    + "; the Job's pod failure policy does not count this, the Job controller"
                    + " starts the pod again");
          }
          case COUNT -> {
            remember(failure);
            counted++;
            int limit = PodStates.backoffLimit(job);
            if (counted > limit) {
              return failure;
            }
            restarting.put(pod.getMetadata().getName(), failure.reason());
            listener.event(
                "rank "
                    + rank
                    + " failed: "
                    + failure.reason()
                    + "; the Job controller starts it again (restart "
                    + counted
                    + " of "
                    + limit
                    + ")");
          }
        }
      }
      return null;
    }

    private void remember(RankStatus failure) {
      if (firstFailure == null) {
        firstFailure = failure;
      }
    }

    /** How often the most-started rank has started: 1 plus its replacements. */
    private int attempts(List<Pod> all) {
      Map<Integer, Integer> perRank = new HashMap<>();
      for (Pod pod : all) {
        int rank = PodStates.completionIndex(pod);
        if (rank >= 0 && PodStates.ownedBy(pod, uid)) {
          perRank.merge(rank, 1, Integer::sum);
        }
      }
      return perRank.values().stream().max(Integer::compare).orElse(1);
    }

    /**
     * The Job's failure condition as a rank failure, with the rank when the message names a pod.
     */
    private RankStatus jobFailure(JobCondition condition, Map<Integer, Pod> pods) {
      String message = condition.getMessage() == null ? "" : condition.getMessage();
      String reason =
          (condition.getReason() == null ? "Failed" : condition.getReason())
              + (message.isBlank() ? "" : ": " + message);
      for (Map.Entry<Integer, String> pod : podNames.entrySet()) {
        if (message.contains(pod.getValue())) {
          Pod current = pods.get(pod.getKey());
          Integer code = current == null ? null : PodStates.exitCode(current, container);
          return new RankStatus(pod.getKey(), RankState.FAILED, code, reason);
        }
      }
      return failed(-1, reason);
    }

    private boolean allSucceeded(RankStatus[] status) {
      return Arrays.stream(status).allMatch(rank -> rank.state() == RankState.SUCCEEDED);
    }

    /**
     * While the run goes on: pending too long, a container that cannot start, the deadline. Warns,
     * and ends the run where the options say; null to go on.
     */
    private Outcome checkWaiting(RankStatus[] status, Map<Integer, Pod> pods, long now) {
      Map<String, List<Integer>> warnings = new LinkedHashMap<>();
      for (int rank = 0; rank < ranks; rank++) {
        RankStatus current = status[rank];
        if (current.state() != RankState.PENDING) {
          pendingSince[rank] = -1;
          startErrorReason[rank] = null;
          continue;
        }
        if (pendingSince[rank] < 0) {
          pendingSince[rank] = now;
        }
        String kind = reasonKind(current.reason());
        if (PodStates.START_ERRORS.contains(kind)) {
          if (!kind.equals(startErrorReason[rank])) {
            startErrorReason[rank] = kind;
            startErrorSince[rank] = now;
          }
          long failing = now - startErrorSince[rank];
          if (PodStates.FATAL_START_ERRORS.contains(kind)
              || failing >= options.startErrorTimeout().toMillis()) {
            String reason =
                current.reason()
                    + (PodStates.FATAL_START_ERRORS.contains(kind)
                        ? ""
                        : " (for " + seconds(failing) + " s)")
                    + "; "
                    + hint(kind, current.reason());
            listener.event("rank " + rank + " cannot start: " + reason);
            return stopped(
                status,
                TrainingState.FAILED,
                failed(rank, reason),
                "stopped because rank " + rank + " cannot start");
          }
        } else {
          startErrorReason[rank] = null;
        }
        long pending = now - pendingSince[rank];
        if (options.pendingTimeout() != null && pending >= options.pendingTimeout().toMillis()) {
          String reason =
              "pending for more than "
                  + seconds(options.pendingTimeout().toMillis())
                  + " s: "
                  + current.reason()
                  + "; "
                  + hint(kind, current.reason());
          listener.event("rank " + rank + " " + reason);
          return stopped(
              status,
              TrainingState.FAILED,
              failed(rank, reason),
              "stopped because rank " + rank + " was pending too long");
        }
        if (pending >= options.pendingWarning().toMillis() && !kind.equals(warnedFor[rank])) {
          warnedFor[rank] = kind;
          warnings
              .computeIfAbsent(
                  "pending for "
                      + seconds(pending)
                      + " s: "
                      + current.reason()
                      + ". "
                      + hint(kind, current.reason())
                      + describe(pods.get(rank)),
                  key -> new ArrayList<>())
              .add(rank);
        }
      }
      warnings.forEach((text, which) -> listener.event(describeRanks(which) + " " + text));
      if (now >= deadline) {
        listener.event(timeoutReason + "; stopping all ranks");
        Outcome outcome =
            stopped(status, TrainingState.FAILED, failed(-1, timeoutReason), timeoutReason);
        return new Outcome(
            outcome.state(), outcome.ranks(), outcome.firstFailure(), true, attempts);
      }
      return null;
    }

    private String describe(Pod pod) {
      return pod == null
          ? "; see kubectl describe job " + name + " -n " + namespace
          : "; see kubectl describe pod " + pod.getMetadata().getName() + " -n " + namespace;
    }

    /** Waits (bounded) for the logs of ended pods, so their last lines are not lost. */
    private void drain(PodLogStreamer logs, Map<Integer, Pod> pods) throws InterruptedException {
      List<String> ended = new ArrayList<>();
      pods.values().stream()
          .filter(PodStates::isTerminal)
          .forEach(pod -> ended.add(pod.getMetadata().getName()));
      logs.awaitEnd(ended, options.logDrain());
    }

    /** Marks every rank still pending or running as stopped, keeping why a pending rank waited. */
    private Outcome stopped(
        RankStatus[] status, TrainingState state, RankStatus first, String stopReason) {
      RankStatus[] result = status.clone();
      for (int rank = 0; rank < result.length; rank++) {
        RankStatus current = result[rank];
        if (first != null && first.rank() == rank) {
          result[rank] = first;
        } else if (current.state() == RankState.PENDING) {
          result[rank] =
              new RankStatus(
                  rank,
                  RankState.STOPPED,
                  null,
                  stopReason + " (was pending: " + current.reason() + ")");
        } else if (current.state() == RankState.RUNNING) {
          result[rank] = new RankStatus(rank, RankState.STOPPED, null, stopReason);
        }
      }
      snapshots.accept(List.of(result));
      return new Outcome(state, List.of(result), first, false, attempts);
    }
  }

  private static RankStatus failed(int rank, String reason) {
    return new RankStatus(rank, RankState.FAILED, null, reason);
  }

  /** The leading word of a reason ("ImagePullBackOff: Back-off..." → "ImagePullBackOff"). */
  static String reasonKind(String reason) {
    if (reason == null) {
      return "";
    }
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }

  /** What to do about a waiting rank, in one sentence. */
  static String hint(String kind, String reason) {
    String text = reason == null ? "" : reason;
    return switch (kind) {
      case "Unschedulable" ->
          text.contains("Insufficient")
              ? "No node has enough free resources for it: wait for capacity, or ask for fewer GPUs"
                  + " per node (gpusPerNode) or fewer nodes"
              : "No node accepts it: check training.nodeSelector, tolerations and the nodes' taints";
      case "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull" ->
          "Check that the image name and tag exist and that imagePullSecrets grant access";
      case "CreateContainerConfigError", "CreateContainerError", "RunContainerError" ->
          "A Secret, ConfigMap or volume the container needs is missing or wrong";
      case "SchedulingGated" -> "A scheduler plug-in (a queue) holds the pod; check the queue";
      case "ContainerCreating", "PodInitializing" ->
          "Its containers are being created: a large image is still being pulled, or a volume"
              + " cannot be attached (see the pod's events)";
      default -> {
        if (text.startsWith("waiting for queue admission")) {
          yield "The queue has not admitted the Job yet; check its quota with kubectl get"
              + " localqueue,clusterqueue (Kueue) or kubectl get queue (Volcano)";
        }
        if (text.startsWith("waiting for the Job controller")) {
          yield "The Job controller has not created the pod (quota or an admission webhook?)";
        }
        yield "The pod has not started yet";
      }
    };
  }

  private static long seconds(long millis) {
    return Math.max(0, millis / 1000);
  }

  /** The number of ranks (nodes): the Job's completions. */
  static int ranks(Job job) {
    if (job.getSpec() == null) {
      return 1;
    }
    Integer completions = job.getSpec().getCompletions();
    if (completions == null) {
      completions = job.getSpec().getParallelism();
    }
    return completions == null || completions < 1 ? 1 : completions;
  }

  /** The training container's name: the pod template's first container. */
  static String container(Job job) {
    if (job.getSpec() == null
        || job.getSpec().getTemplate() == null
        || job.getSpec().getTemplate().getSpec() == null) {
      return null;
    }
    List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
    return containers == null || containers.isEmpty() ? null : containers.get(0).getName();
  }

  /** "rank 3", "ranks 0-3, 5". */
  static String describeRanks(List<Integer> ranks) {
    if (ranks.size() == 1) {
      return "rank " + ranks.get(0);
    }
    StringBuilder text = new StringBuilder("ranks ");
    int i = 0;
    while (i < ranks.size()) {
      int j = i;
      while (j + 1 < ranks.size() && ranks.get(j + 1) == ranks.get(j) + 1) {
        j++;
      }
      if (i > 0) {
        text.append(", ");
      }
      text.append(ranks.get(i));
      if (j > i) {
        text.append('-').append(ranks.get(j));
      }
      i = j + 1;
    }
    return text.toString();
  }
}
