package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;

/**
 * Reads what a pod and its Job say about one rank: pending and why, running, succeeded, or failed
 * and why. Pure functions over the objects the informers hold, so every rule is unit-tested.
 *
 * <p>On Kubernetes a rank is a node: one pod of the Indexed Job, numbered by its completion index.
 */
final class PodStates {
  /** Waiting reasons that mean a container cannot start until someone fixes the spec or image. */
  static final Set<String> START_ERRORS =
      Set.of(
          "ImagePullBackOff",
          "ErrImagePull",
          "InvalidImageName",
          "ErrImageNeverPull",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  /** Waiting reasons that cannot heal by waiting: the run fails at once. */
  static final Set<String> FATAL_START_ERRORS = Set.of("InvalidImageName", "ErrImageNeverPull");

  /** What the Job controller does with a failed pod, from the Job's pod failure policy. */
  enum FailureAction {
    /** The Job fails at once. */
    FAIL_JOB,
    /** The index fails for good ({@code backoffLimitPerIndex}); the run cannot complete. */
    FAIL_INDEX,
    /**
     * The failure counts against {@code backoffLimit}; the pod is replaced while budget is left.
     */
    COUNT,
    /** The failure does not count (a disruption, typically); the pod is replaced. */
    IGNORE
  }

  private PodStates() {}

  /**
   * The action of the first rule of the Job's {@code podFailurePolicy} that matches a failed pod,
   * as the Job controller evaluates it; {@link FailureAction#COUNT} when none matches or the Job
   * has no policy.
   */
  static FailureAction failureAction(Job job, Pod pod) {
    PodFailurePolicy policy = job.getSpec() == null ? null : job.getSpec().getPodFailurePolicy();
    if (policy == null || policy.getRules() == null) {
      return FailureAction.COUNT;
    }
    for (PodFailurePolicyRule rule : policy.getRules()) {
      if (matches(rule, pod)) {
        return switch (Objects.toString(rule.getAction(), "Count")) {
          case "FailJob" -> FailureAction.FAIL_JOB;
          case "FailIndex" -> FailureAction.FAIL_INDEX;
          case "Ignore" -> FailureAction.IGNORE;
          default -> FailureAction.COUNT;
        };
      }
    }
    return FailureAction.COUNT;
  }

  private static boolean matches(PodFailurePolicyRule rule, Pod pod) {
    PodFailurePolicyOnExitCodesRequirement codes = rule.getOnExitCodes();
    if (codes != null) {
      List<Integer> values = codes.getValues() == null ? List.of() : codes.getValues();
      boolean in = !"NotIn".equals(codes.getOperator());
      List<ContainerStatus> statuses =
          pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
              ? List.of()
              : pod.getStatus().getContainerStatuses();
      for (ContainerStatus status : statuses) {
        ContainerStateTerminated terminated = terminatedState(status);
        if (terminated == null
            || terminated.getExitCode() == null
            || terminated.getExitCode() == 0
            || (codes.getContainerName() != null
                && !codes.getContainerName().equals(status.getName()))) {
          continue; // the Job controller never matches exit code 0
        }
        if (values.contains(terminated.getExitCode()) == in) {
          return true;
        }
      }
      return false;
    }
    List<PodFailurePolicyOnPodConditionsPattern> patterns = rule.getOnPodConditions();
    if (patterns == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodFailurePolicyOnPodConditionsPattern pattern : patterns) {
      String wanted = pattern.getStatus() == null ? "True" : pattern.getStatus();
      for (PodCondition condition : pod.getStatus().getConditions()) {
        if (Objects.equals(pattern.getType(), condition.getType())
            && wanted.equals(condition.getStatus())) {
          return true;
        }
      }
    }
    return false;
  }

  /** How many failed pods the Job tolerates before it fails ({@code backoffLimit}, default 6). */
  static int backoffLimit(Job job) {
    Integer limit = job.getSpec() == null ? null : job.getSpec().getBackoffLimit();
    return limit == null ? 6 : limit;
  }

  /** The pod's completion index (label, else annotation), or -1 when it has none. */
  static int completionIndex(Pod pod) {
    String value = null;
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels != null) {
      value = labels.get(TrainingLabels.COMPLETION_INDEX);
    }
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (value == null && annotations != null) {
      value = annotations.get(TrainingLabels.COMPLETION_INDEX_ANNOTATION);
    }
    if (value == null) {
      return -1;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether the Job with this uid owns the pod (pods of an earlier attempt are ignored). */
  static boolean ownedBy(Pod pod, String jobUid) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream().anyMatch(owner -> Objects.equals(owner.getUid(), jobUid));
  }

  /**
   * The newest pod per completion index among those the Job owns (an index can have several pods
   * when the Job controller replaced one).
   */
  static Map<Integer, Pod> newestByIndex(List<Pod> pods, String jobUid, int ranks) {
    Map<Integer, Pod> newest = new HashMap<>();
    // The API server's timestamps have whole seconds: a replacement made in the same second as
    // the pod it replaces is told apart by its phase. Only a failed pod is replaced, so the newer
    // one is the one still alive, or else the one that succeeded.
    Comparator<Pod> age =
        Comparator.comparing((Pod pod) -> created(pod))
            .thenComparingInt(PodStates::replacementOrder)
            .thenComparing(pod -> pod.getMetadata().getName());
    for (Pod pod : pods) {
      int index = completionIndex(pod);
      if (index < 0 || index >= ranks || !ownedBy(pod, jobUid)) {
        continue;
      }
      newest.merge(index, pod, (a, b) -> age.compare(a, b) >= 0 ? a : b);
    }
    return newest;
  }

  private static int replacementOrder(Pod pod) {
    if (!isTerminal(pod)) {
      return 2;
    }
    return "Succeeded".equals(phase(pod)) ? 1 : 0;
  }

  private static Instant created(Pod pod) {
    try {
      return Instant.parse(pod.getMetadata().getCreationTimestamp());
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }

  static String phase(Pod pod) {
    PodStatus status = pod.getStatus();
    return status == null || status.getPhase() == null ? "Pending" : status.getPhase();
  }

  /** Whether the pod's containers have started (or already ended): its log can be read. */
  static boolean hasStarted(Pod pod) {
    String phase = phase(pod);
    return phase.equals("Running") || phase.equals("Succeeded") || phase.equals("Failed");
  }

  static boolean isTerminal(Pod pod) {
    String phase = phase(pod);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /**
   * The rank's state from its newest pod.
   *
   * @param container the training container's name, or {@code null} for the first one
   */
  static RankStatus status(int rank, Pod pod, String container) {
    String phase = phase(pod);
    switch (phase) {
      case "Succeeded":
        return new RankStatus(rank, RankState.SUCCEEDED, 0, null);
      case "Failed":
        return new RankStatus(
            rank, RankState.FAILED, exitCode(pod, container), failure(pod, container));
      case "Running":
        if (pod.getMetadata().getDeletionTimestamp() != null) {
          return new RankStatus(rank, RankState.RUNNING, null, null);
        }
        Optional<ContainerStateTerminated> ended = terminated(pod, container);
        if (ended.isPresent() && !Objects.equals(ended.get().getExitCode(), 0)) {
          // restartPolicy Never: the pod turns Failed in a moment; report the failure now
          return new RankStatus(
              rank, RankState.FAILED, ended.get().getExitCode(), failure(pod, container));
        }
        return new RankStatus(rank, RankState.RUNNING, null, null);
      default:
        return new RankStatus(rank, RankState.PENDING, null, pendingReason(pod));
    }
  }

  /** Why a pod has not started, in words, with Kubernetes' own reason first. */
  static String pendingReason(Pod pod) {
    Optional<ContainerStateWaiting> waiting = startError(pod);
    if (waiting.isPresent()) {
      return withMessage(waiting.get().getReason(), waiting.get().getMessage());
    }
    PodStatus status = pod.getStatus();
    if (status != null && status.getConditions() != null) {
      for (PodCondition condition : status.getConditions()) {
        if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
          String reason = condition.getReason() == null ? "not scheduled" : condition.getReason();
          return withMessage(reason, condition.getMessage());
        }
      }
    }
    if (pod.getSpec() != null
        && pod.getSpec().getSchedulingGates() != null
        && !pod.getSpec().getSchedulingGates().isEmpty()) {
      List<String> gates = new ArrayList<>();
      pod.getSpec().getSchedulingGates().forEach(gate -> gates.add(gate.getName()));
      return "SchedulingGated: waiting for " + String.join(", ", gates);
    }
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (node != null) {
      String starting =
          containerStatuses(pod).stream()
              .map(ContainerStatus::getState)
              .filter(state -> state != null && state.getWaiting() != null)
              .map(state -> state.getWaiting().getReason())
              .filter(Objects::nonNull)
              .findFirst()
              .orElse("ContainerCreating");
      return starting + ": scheduled on node " + node + ", starting containers";
    }
    return "waiting to be scheduled";
  }

  /** A container that cannot start (image, config), from init containers too. */
  static Optional<ContainerStateWaiting> startError(Pod pod) {
    return containerStatuses(pod).stream()
        .map(ContainerStatus::getState)
        .filter(state -> state != null && state.getWaiting() != null)
        .map(state -> state.getWaiting())
        .filter(waiting -> START_ERRORS.contains(waiting.getReason()))
        .findFirst();
  }

  /** Why a pod failed: Evicted, OOMKilled, exit code, disruption, in words. */
  static String failure(Pod pod, String container) {
    PodStatus status = pod.getStatus();
    if (status != null && "Evicted".equals(status.getReason())) {
      return withMessage("Evicted", status.getMessage());
    }
    Optional<ContainerStateTerminated> ended = terminated(pod, container);
    if (ended.isPresent()) {
      ContainerStateTerminated terminated = ended.get();
      Integer code = terminated.getExitCode();
      if ("OOMKilled".equals(terminated.getReason())) {
        return "OOMKilled: the container ran out of memory (exit code "
            + code
            + "); raise training.memory or lower the batch size";
      }
      String disruption = disruption(pod);
      if (disruption != null) {
        return disruption + " (exit code " + code + ")";
      }
      if (code != null && code != 0) {
        return describeExit(code);
      }
    }
    String disruption = disruption(pod);
    if (disruption != null) {
      return disruption;
    }
    Optional<ContainerStateWaiting> waiting = startError(pod);
    if (waiting.isPresent()) {
      return withMessage(waiting.get().getReason(), waiting.get().getMessage());
    }
    if (status != null && (status.getReason() != null || status.getMessage() != null)) {
      return withMessage(
          status.getReason() == null ? "Failed" : status.getReason(), status.getMessage());
    }
    return "failed";
  }

  /** The DisruptionTarget condition (preemption, taint manager, eviction API), or null. */
  private static String disruption(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null || status.getConditions() == null) {
      return null;
    }
    for (PodCondition condition : status.getConditions()) {
      if ("DisruptionTarget".equals(condition.getType()) && "True".equals(condition.getStatus())) {
        String reason = condition.getReason() == null ? "Disrupted" : condition.getReason();
        return withMessage(reason, condition.getMessage());
      }
    }
    return null;
  }

  static Integer exitCode(Pod pod, String container) {
    return terminated(pod, container).map(ContainerStateTerminated::getExitCode).orElse(null);
  }

  /** When the training container ended, for ordering failures, or null. */
  static String finishedAt(Pod pod, String container) {
    return terminated(pod, container).map(ContainerStateTerminated::getFinishedAt).orElse(null);
  }

  /** The training container's terminated state: the named one, else the first that failed. */
  static Optional<ContainerStateTerminated> terminated(Pod pod, String container) {
    List<ContainerStatus> statuses =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? List.of()
            : pod.getStatus().getContainerStatuses();
    Optional<ContainerStateTerminated> named =
        statuses.stream()
            .filter(status -> container == null || container.equals(status.getName()))
            .map(PodStates::terminatedState)
            .filter(Objects::nonNull)
            .findFirst();
    if (named.isPresent()) {
      return named;
    }
    return statuses.stream()
        .map(PodStates::terminatedState)
        .filter(state -> state != null && !Objects.equals(state.getExitCode(), 0))
        .findFirst();
  }

  private static ContainerStateTerminated terminatedState(ContainerStatus status) {
    if (status.getState() != null && status.getState().getTerminated() != null) {
      return status.getState().getTerminated();
    }
    return null;
  }

  private static List<ContainerStatus> containerStatuses(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return List.of();
    }
    List<ContainerStatus> all = new ArrayList<>();
    if (status.getInitContainerStatuses() != null) {
      all.addAll(status.getInitContainerStatuses());
    }
    if (status.getContainerStatuses() != null) {
      all.addAll(status.getContainerStatuses());
    }
    return all;
  }

  /** A non-zero exit code in words; codes above 128 are signals. */
  static String describeExit(int code) {
    if (code > 128 && code < 160) {
      int signal = code - 128;
      String name =
          switch (signal) {
            case 9 -> " (SIGKILL)";
            case 15 -> " (SIGTERM)";
            case 6 -> " (SIGABRT)";
            case 11 -> " (SIGSEGV)";
            default -> "";
          };
      return "exit code " + code + ": killed by signal " + signal + name;
    }
    return "exit code " + code;
  }

  private static String withMessage(String reason, String message) {
    return message == null || message.isBlank() ? reason : reason + ": " + message.strip();
  }

  /** The Job's condition of this type when it is true, or null. */
  static JobCondition condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(condition -> type.equals(condition.getType()))
        .filter(condition -> "True".equals(condition.getStatus()))
        .findFirst()
        .orElse(null);
  }

  /** Whether the Job has finished successfully (every index succeeded). */
  static boolean isComplete(Job job) {
    return condition(job, "Complete") != null || condition(job, "SuccessCriteriaMet") != null;
  }

  /** The Job's failure condition (Failed, or FailureTarget that precedes it), or null. */
  static JobCondition failure(Job job) {
    JobCondition failed = condition(job, "Failed");
    return failed != null ? failed : condition(job, "FailureTarget");
  }

  /** Whether the Job waits for a queue (Kueue suspends a Job until it admits it). */
  static boolean isSuspended(Job job) {
    return job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().getSuspend());
  }

  /** The Kueue queue named on the Job, or null. */
  static String queueName(Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    return labels == null ? null : labels.get("kueue.x-k8s.io/queue-name");
  }

  /** The indexes in a Job's {@code completedIndexes} ("0-2,5"), empty when unset or unreadable. */
  static Set<Integer> indexes(String ranges) {
    Set<Integer> result = new LinkedHashSet<>();
    if (ranges == null || ranges.isBlank()) {
      return result;
    }
    try {
      for (String range : ranges.split(",")) {
        String[] ends = range.trim().split("-");
        int from = Integer.parseInt(ends[0].trim());
        int to = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : from;
        for (int index = from; index <= to && index - from < 100_000; index++) {
          result.add(index);
        }
      }
    } catch (NumberFormatException e) {
      return new LinkedHashSet<>();
    }
    return result;
  }
}
