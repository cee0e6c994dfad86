package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.openautoglm.training.Metric;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.TrainingState;

/**
 * Runs a training plan on Kubernetes: creates its objects, follows the Indexed Job to its end,
 * streams every rank's log, and cleans up.
 *
 * <p><b>Ranks.</b> On Kubernetes a rank in {@link RankStatus} is a <em>node</em>: one pod of the
 * Indexed Job, numbered by its completion index ({@code batch.kubernetes.io/job-completion-index}).
 * The training processes inside a pod (torchrun's local ranks) share that pod's rank, log and
 * status. Log lines and metrics carry the same number.
 *
 * <p><b>Following.</b> Two informers (the Job by name, the pods by the run's labels) keep a cache
 * that fabric8 re-lists after a 410 Gone and reconnects after a dropped watch; the launcher reads
 * every rank's state from that cache on each change and never polls a pod. Failed API requests
 * (HTTP 5xx, 429, broken connections) are retried by the client with exponential backoff ({@code
 * requestRetryBackoffLimit} and {@code requestRetryBackoffInterval} of its {@code Config}).
 *
 * <p><b>Fail fast.</b> Restarts belong to the Job (the planner turns {@code maxRestarts} into its
 * {@code backoffLimit} and {@code podFailurePolicy}), so the launcher judges each failed pod as the
 * Job controller will, from the Job's own policy, and does not wait for the controller's verdict: a
 * pod failure the policy makes fatal ({@code FailJob}), or one that exhausts {@code backoffLimit}
 * (with {@code maxRestarts: 0}, the first), ends the run at once; so does a Failed condition on the
 * Job. The run then fails naming the first rank that failed and why (exit code, OOMKilled, Evicted,
 * ImagePullBackOff, ...), the other ranks are reported {@link RankState#STOPPED}, and the Job is
 * deleted with foreground propagation. A failure within the budget, or one the policy ignores
 * (preemption, eviction), is reported and the run goes on with the replacement pod. A rank whose
 * container cannot start (image, config) for {@link LauncherOptions#startErrorTimeout()} fails the
 * run too. With {@code keepOnFailure} a failed Job is kept for inspection; one the Job controller
 * has not finished itself is suspended, so that its other pods stop and no GPU stays held.
 *
 * <p><b>Clean-up.</b> The Job's pods belong to the Job (the Job controller sets their owner
 * reference). The Service and ConfigMap the launcher creates get an owner reference to the Job as
 * soon as it exists, so whatever deletes the Job (the launcher, {@code kubectl delete job}, the TTL
 * controller) deletes them too. The launcher does not rely on the garbage collector alone: it
 * deletes the Job (foreground), the Service and ConfigMap by name and by the run's labels, sweeps
 * the run's pods, and waits (bounded) until they are gone. This happens on success (unless {@link
 * LauncherOptions#deleteOnSuccess()} is off), on failure (unless {@code keepOnFailure}), on
 * timeout, on cancellation and when the calling thread is interrupted.
 *
 * <p><b>Re-attach.</b> The Job carries the run's labels and the launcher stamps its deadline and
 * {@code keepOnFailure} on it as annotations, so {@link #attach} can find and follow a run after
 * the process that submitted it restarted.
 *
 * <p>Reports go to the {@link TrainingListener}; nothing is printed. One launcher follows one run
 * at a time per thread; {@link #cancel} may be called from any thread.
 */
public final class KubernetesLauncher {
  /** When the run times out (ISO-8601 instant), stamped on the Job for {@link #attach}. */
  public static final String DEADLINE_ANNOTATION = "autoglm.io/deadline";

  /** Whether a failed Job is kept for inspection ({@code "true"}/{@code "false"}). */
  public static final String KEEP_ON_FAILURE_ANNOTATION = "autoglm.io/keep-on-failure";

  private final KubernetesClient client;
  private final TrainingListener listener;
  private final LauncherOptions options;
  private final Map<String, RunFollower.Control> controls = new ConcurrentHashMap<>();
  private volatile List<RankStatus> ranks = List.of();

  public KubernetesLauncher(KubernetesClient client, TrainingListener listener) {
    this(client, listener, LauncherOptions.defaults());
  }

  public KubernetesLauncher(
      KubernetesClient client, TrainingListener listener, LauncherOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Checks, submits and follows a run to its end.
   *
   * @param spec what the plan was made from: its timeout, {@code keepOnFailure} and what the
   *     pre-flight check looks for
   * @return the result; {@code attempts} is how often the most-restarted rank started. {@link
   *     TrainingState#ABORTED} when the run was cancelled or the calling thread was interrupted
   *     (the objects are then deleted and the interrupt flag is set again)
   */
  public TrainingResult run(TrainingPlan plan, TrainingSpec spec) {
    Duration timeout = options.timeout() != null ? options.timeout() : spec.timeout();
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    int nodes = RunFollower.ranks(plan.job());
    Map<String, List<Metric>> metrics = Collections.synchronizedMap(new LinkedHashMap<>());
    if (options.preflight()) {
      List<String> problems = Preflight.check(client, plan.namespace(), spec);
      if (!problems.isEmpty()) {
        problems.forEach(problem -> listener.event("pre-flight: " + problem));
        return notSubmitted(nodes, "pre-flight check failed: " + String.join(" ", problems));
      }
    }
    String key = key(plan.namespace(), plan.runId());
    RunFollower.Control control = new RunFollower.Control();
    controls.put(key, control);
    try {
      Job job;
      try {
        job = submit(plan, spec.keepOnFailure(), deadline);
      } catch (IllegalStateException e) {
        if (Thread.currentThread().isInterrupted()) {
          cleanUp(plan.namespace(), plan.runId(), plan.job().getMetadata().getName(), plan);
          return aborted(nodes, metrics);
        }
        listener.event(e.getMessage());
        return notSubmitted(nodes, e.getMessage());
      }
      return follow(
          job,
          deadline,
          "the run timed out after " + timeout.toSeconds() + " s",
          null,
          spec.keepOnFailure(),
          plan,
          control,
          metrics);
    } finally {
      controls.remove(key, control);
    }
  }

  /** Follows a created Job to its end and cleans up as the outcome asks. */
  private TrainingResult follow(
      Job job,
      long deadline,
      String timeoutReason,
      Instant logsSince,
      boolean keepOnFailure,
      TrainingPlan plan,
      RunFollower.Control control,
      Map<String, List<Metric>> metrics) {
    String namespace = job.getMetadata().getNamespace();
    String runId = job.getMetadata().getLabels().get(TrainingLabels.RUN);
    String name = job.getMetadata().getName();
    int nodes = RunFollower.ranks(job);
    try {
      RunFollower.Outcome outcome =
          new RunFollower(client, listener, options, metrics, this::publish)
              .follow(job, deadline, timeoutReason, logsSince, control);
      finish(outcome, job, keepOnFailure, plan);
      return new TrainingResult(
          outcome.state(),
          outcome.ranks(),
          copy(metrics),
          outcome.firstFailure(),
          outcome.attempts());
    } catch (InterruptedException e) {
      listener.event("interrupted; cancelling the run");
      cleanUp(namespace, runId, name, plan);
      Thread.currentThread().interrupt();
      return aborted(nodes, metrics);
    } catch (KubernetesClientException e) {
      String reason = "cannot follow the Job: " + message(e);
      listener.event(reason);
      cleanUp(namespace, runId, name, plan);
      return new TrainingResult(
          TrainingState.FAILED,
          stoppedRanks(nodes, reason),
          copy(metrics),
          new RankStatus(-1, RankState.FAILED, null, reason),
          1);
    }
  }

  /**
   * Creates the plan's objects without following them (a Jenkins step that returns at once and
   * {@link #attach attaches} later). Runs the pre-flight check first when the options say so.
   *
   * @throws IllegalStateException naming the problem when the check fails or an object cannot be
   *     created; objects created before are deleted again
   */
  public void submit(TrainingPlan plan, TrainingSpec spec) {
    if (options.preflight()) {
      List<String> problems = Preflight.check(client, plan.namespace(), spec);
      if (!problems.isEmpty()) {
        throw new IllegalStateException("pre-flight check failed: " + String.join(" ", problems));
      }
    }
    Duration timeout = options.timeout() != null ? options.timeout() : spec.timeout();
    submit(plan, spec.keepOnFailure(), System.currentTimeMillis() + timeout.toMillis());
  }

  /**
   * Finds a run by its id (the {@link TrainingLabels#RUN} label) and follows it to its end, as
   * after a restart of Jenkins or the CLI. Log lines written before the re-attach are not repeated;
   * the deadline and {@code keepOnFailure} are those stamped on the Job at submission. Restarts are
   * the Job's own and go on as before.
   *
   * @throws IllegalArgumentException when no Job of that run exists in the namespace
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the Jobs cannot be listed
   */
  public TrainingResult attach(String namespace, String runId) {
    List<Job> jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabels(TrainingLabels.selector(runId))
            .list()
            .getItems();
    Job job =
        jobs.stream()
            .max(
                Comparator.comparing(
                    (Job candidate) ->
                        Objects.toString(candidate.getMetadata().getCreationTimestamp(), "")))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no Job of run "
                            + runId
                            + " in namespace "
                            + namespace
                            + ": it finished and was cleaned up, or it never started"));
    Map<String, String> annotations =
        job.getMetadata().getAnnotations() == null ? Map.of() : job.getMetadata().getAnnotations();
    long deadline = deadline(annotations.get(DEADLINE_ANNOTATION));
    boolean keepOnFailure = Boolean.parseBoolean(annotations.get(KEEP_ON_FAILURE_ANNOTATION));
    listener.event(
        "re-attached to Job " + job.getMetadata().getName() + " in namespace " + namespace);
    String key = key(namespace, runId);
    RunFollower.Control control = new RunFollower.Control();
    controls.put(key, control);
    try {
      return follow(
          job,
          deadline,
          "the run timed out (deadline " + Instant.ofEpochMilli(deadline) + ")",
          Instant.now(),
          keepOnFailure,
          null,
          control,
          Collections.synchronizedMap(new LinkedHashMap<>()));
    } finally {
      controls.remove(key, control);
    }
  }

  /**
   * Cancels a run: deletes its Job (foreground), Service, ConfigMap and pods, and waits (bounded)
   * until they are gone. A run followed by this launcher then ends {@link TrainingState#ABORTED}.
   * Works from another process too: everything is found by the run's labels.
   */
  public void cancel(String namespace, String runId) {
    RunFollower.Control control = controls.get(key(namespace, runId));
    if (control != null) {
      control.cancel();
    }
    listener.event("cancelling run " + runId);
    cleanUp(namespace, runId, null, null);
  }

  /** Every rank's state as last seen by the run this launcher follows (empty before the first). */
  public List<RankStatus> ranks() {
    return ranks;
  }

  private void publish(List<RankStatus> snapshot) {
    ranks = snapshot;
  }

  // ---- submission

  private Job submit(TrainingPlan plan, boolean keepOnFailure, long deadline) {
    String namespace = plan.namespace();
    List<HasMetadata> created = new ArrayList<>();
    Job job =
        new JobBuilder(plan.job())
            .editMetadata()
            .withNamespace(namespace)
            .addToAnnotations(DEADLINE_ANNOTATION, Instant.ofEpochMilli(deadline).toString())
            .addToAnnotations(KEEP_ON_FAILURE_ANNOTATION, Boolean.toString(keepOnFailure))
            .endMetadata()
            .build();
    HasMetadata current = null;
    try {
      for (HasMetadata object : plan.objects()) {
        current = object == plan.job() ? job : object;
        created.add(create(namespace, plan.runId(), current));
      }
    } catch (KubernetesClientException | IllegalStateException e) {
      for (HasMetadata object : created) {
        delete(namespace, object);
      }
      if (e instanceof KubernetesClientException failure) {
        String what = current == null ? "object" : kindAndName(current);
        throw new IllegalStateException(
            "cannot create " + what + " in namespace " + namespace + ": " + message(failure), e);
      }
      throw (IllegalStateException) e;
    }
    Job submitted = (Job) created.get(created.size() - 1);
    listener.event(
        "submitted Job "
            + submitted.getMetadata().getName()
            + " ("
            + RunFollower.ranks(submitted)
            + " nodes) in namespace "
            + namespace);
    OwnerReference owner = KubernetesPlanner.ownerReference(submitted);
    for (HasMetadata object : created.subList(0, created.size() - 1)) {
      try {
        client
            .resource(object)
            .inNamespace(namespace)
            .edit(
                edited -> {
                  edited.getMetadata().setOwnerReferences(new ArrayList<>(List.of(owner)));
                  return edited;
                });
      } catch (KubernetesClientException e) {
        // clean-up deletes it by name and label anyway; the owner is for kubectl and TTL
        listener.event(
            "could not make Job the owner of " + kindAndName(object) + ": " + message(e));
      }
    }
    return submitted;
  }

  /** Creates an object; a conflict with this run's own object (a retried POST) is no error. */
  private HasMetadata create(String namespace, String runId, HasMetadata object) {
    try {
      return client.resource(object).inNamespace(namespace).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      HasMetadata existing = client.resource(object).inNamespace(namespace).get();
      Map<String, String> labels =
          existing == null || existing.getMetadata().getLabels() == null
              ? Map.of()
              : existing.getMetadata().getLabels();
      boolean ours =
          runId.equals(labels.get(TrainingLabels.RUN))
              && (!(existing instanceof Job previous) || !isFinished(previous));
      if (!ours) {
        throw new IllegalStateException(
            kindAndName(object)
                + " already exists in namespace "
                + namespace
                + " and is not this run's (another run, or a finished one with the same id);"
                + " delete it or choose another name",
            e);
      }
      return existing;
    }
  }

  private static boolean isFinished(Job job) {
    return PodStates.isComplete(job) || PodStates.failure(job) != null;
  }

  // ---- the end of a run

  private void finish(
      RunFollower.Outcome outcome, Job job, boolean keepOnFailure, TrainingPlan plan) {
    String namespace = job.getMetadata().getNamespace();
    String runId = job.getMetadata().getLabels().get(TrainingLabels.RUN);
    String name = job.getMetadata().getName();
    switch (outcome.state()) {
      case SUCCEEDED -> {
        if (options.deleteOnSuccess()) {
          cleanUp(namespace, runId, name, plan);
        }
      }
      case FAILED -> {
        if (keepOnFailure && !outcome.timedOut()) {
          keep(namespace, name);
        } else {
          cleanUp(namespace, runId, name, plan);
        }
      }
      case ABORTED -> cleanUp(namespace, runId, name, plan);
    }
  }

  /**
   * Keeps a failed Job for inspection. A Job the Job controller has failed has stopped its pods
   * already; any other is suspended, so that its other pods stop and free the GPUs.
   */
  private void keep(String namespace, String name) {
    try {
      Job current = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
      if (current != null && isFinished(current)) {
        listener.event(
            "keeping Job "
                + name
                + " for inspection (keepOnFailure); delete it with: kubectl delete job "
                + name
                + " -n "
                + namespace
                + " --cascade=foreground");
        return;
      }
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withName(name)
          .edit(
              job -> {
                job.getSpec().setSuspend(true);
                return job;
              });
      listener.event(
          "keeping Job "
              + name
              + " for inspection (keepOnFailure); it is suspended, so its other pods stop."
              + " Delete it with: kubectl delete job "
              + name
              + " -n "
              + namespace
              + " --cascade=foreground");
    } catch (KubernetesClientException e) {
      listener.event("could not suspend the kept Job " + name + ": " + message(e));
    }
  }

  /**
   * Deletes everything of a run: the Job with foreground propagation, then the Service and
   * ConfigMap (by name when known, and by label), then any pod still there; and waits, at most
   * {@link LauncherOptions#deleteTimeout()}, until the Job and the pods are gone.
   */
  private void cleanUp(String namespace, String runId, String jobName, TrainingPlan plan) {
    // an interrupted caller still cleans up; its flag is set again at the end
    boolean interrupted = Thread.interrupted();
    try {
      Map<String, String> selector = TrainingLabels.selector(runId);
      var jobs = client.batch().v1().jobs().inNamespace(namespace);
      var services = client.services().inNamespace(namespace);
      var configMaps = client.configMaps().inNamespace(namespace);
      var pods = client.pods().inNamespace(namespace);
      List<String> jobNames =
          new ArrayList<>(
              names("the run's Jobs", () -> jobs.withLabels(selector).list().getItems()));
      if (jobName != null && !jobNames.contains(jobName)) {
        jobNames.add(0, jobName);
      }
      for (String name : jobNames) {
        quietly(
            "Job " + name,
            () ->
                jobs.withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete());
      }
      List<String> serviceNames =
          new ArrayList<>(
              names("the run's Services", () -> services.withLabels(selector).list().getItems()));
      List<String> configMapNames =
          new ArrayList<>(
              names(
                  "the run's ConfigMaps", () -> configMaps.withLabels(selector).list().getItems()));
      if (plan != null) {
        addIfMissing(serviceNames, plan.service().getMetadata().getName());
        if (plan.configMap() != null) {
          addIfMissing(configMapNames, plan.configMap().getMetadata().getName());
        }
      }
      serviceNames.forEach(
          name -> quietly("Service " + name, () -> services.withName(name).delete()));
      configMapNames.forEach(
          name -> quietly("ConfigMap " + name, () -> configMaps.withName(name).delete()));
      // The garbage collector deletes the pods of a deleted Job; this sweep makes sure of it with
      // one request (deletecollection by the run's label) where the role may, and pod by pod,
      // skipping pods already on their way out, where it may not.
      sweepPods(pods, selector);
      long deadline = System.nanoTime() + options.deleteTimeout().toNanos();
      boolean gone =
          awaitEmpty(jobs.withLabels(selector), deadline)
              && (jobName == null || awaitEmpty(jobs.withName(jobName), deadline))
              && awaitEmpty(pods.withLabels(selector), deadline);
      if (gone) {
        listener.event("deleted the run's Job, pods, Service and ConfigMap");
      } else {
        listener.event(
            "the run's objects are still being deleted after "
                + options.deleteTimeout().toSeconds()
                + " s; check with: kubectl get jobs,pods -n "
                + namespace
                + " -l "
                + TrainingLabels.RUN
                + "="
                + runId);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void sweepPods(
      io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
              io.fabric8.kubernetes.api.model.Pod,
              io.fabric8.kubernetes.api.model.PodList,
              io.fabric8.kubernetes.client.dsl.PodResource>
          pods,
      Map<String, String> selector) {
    try {
      pods.withLabels(selector).delete();
      return;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403 && e.getCode() != 405) {
        listener.event("could not delete the run's pods: " + message(e));
        return;
      }
    }
    List<io.fabric8.kubernetes.api.model.Pod> left;
    try {
      left = pods.withLabels(selector).list().getItems();
    } catch (KubernetesClientException e) {
      listener.event("could not list the run's pods: " + message(e));
      return;
    }
    left.stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .map(pod -> pod.getMetadata().getName())
        .forEach(name -> quietly("pod " + name, () -> pods.withName(name).delete()));
  }

  private static void addIfMissing(List<String> names, String name) {
    if (!names.contains(name)) {
      names.add(name);
    }
  }

  /**
   * The names of the objects a list finds. Objects are then deleted one by one: {@code delete} is a
   * verb every role that may run training has, {@code deletecollection} is not.
   */
  private List<String> names(String what, Supplier<List<? extends HasMetadata>> list) {
    try {
      return list.get().stream().map(object -> object.getMetadata().getName()).toList();
    } catch (KubernetesClientException e) {
      listener.event("could not list " + what + ": " + message(e));
      return List.of();
    }
  }

  private <T> boolean awaitEmpty(Informable<T> what, long deadlineNanos) {
    var future = what.informOnCondition(List::isEmpty);
    try {
      future.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } finally {
      future.cancel(true);
    }
  }

  private void delete(String namespace, HasMetadata object) {
    quietly(kindAndName(object), () -> client.resource(object).inNamespace(namespace).delete());
  }

  private void quietly(String what, Runnable deletion) {
    try {
      deletion.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        listener.event("could not delete " + what + ": " + message(e));
      }
    }
  }

  // ---- results

  private TrainingResult notSubmitted(int nodes, String reason) {
    return new TrainingResult(
        TrainingState.FAILED,
        stoppedRanks(nodes, "not submitted"),
        Map.of(),
        new RankStatus(-1, RankState.FAILED, null, reason),
        0);
  }

  private TrainingResult aborted(int nodes, Map<String, List<Metric>> metrics) {
    List<RankStatus> last = ranks;
    List<RankStatus> stopped = new ArrayList<>();
    for (int rank = 0; rank < nodes; rank++) {
      RankStatus status = rank < last.size() ? last.get(rank) : null;
      if (status != null
          && (status.state() == RankState.SUCCEEDED || status.state() == RankState.FAILED)) {
        stopped.add(status);
      } else {
        stopped.add(new RankStatus(rank, RankState.STOPPED, null, "the run was cancelled"));
      }
    }
    ranks = List.copyOf(stopped);
    return new TrainingResult(TrainingState.ABORTED, ranks, copy(metrics), null, 1);
  }

  private static List<RankStatus> stoppedRanks(int nodes, String reason) {
    List<RankStatus> result = new ArrayList<>();
    for (int rank = 0; rank < nodes; rank++) {
      result.add(new RankStatus(rank, RankState.STOPPED, null, reason));
    }
    return List.copyOf(result);
  }

  private static Map<String, List<Metric>> copy(Map<String, List<Metric>> metrics) {
    synchronized (metrics) {
      Map<String, List<Metric>> result = new LinkedHashMap<>();
      metrics.forEach((name, series) -> result.put(name, List.copyOf(series)));
      return Collections.unmodifiableMap(result);
    }
  }

  // ---- small things

  private long deadline(String annotation) {
    if (annotation != null) {
      try {
        return Instant.parse(annotation).toEpochMilli();
      } catch (DateTimeParseException e) {
        listener.event("ignoring the unreadable deadline '" + annotation + "' on the Job");
      }
    }
    Duration timeout = options.timeout() != null ? options.timeout() : TrainingSpec.DEFAULT_TIMEOUT;
    return System.currentTimeMillis() + timeout.toMillis();
  }

  private static String key(String namespace, String runId) {
    return namespace + "/" + runId;
  }

  static String kindAndName(HasMetadata object) {
    return object.getKind() + " " + object.getMetadata().getName();
  }

  /** The API server's own message when it sent one, else the client's. */
  static String message(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }
}
