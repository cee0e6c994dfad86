package org.openautoglm.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Deploys by updating an existing Kubernetes Deployment and waiting for its rollout.
 *
 * <p>It sets the container's image (when the release names one) and the variables that tell the
 * server which model to load ({@code MODEL_URI}, {@code MODEL_VERSION}, {@code AUTOGLM_SNAPSHOT} by
 * default), and annotates the Deployment with {@value #SNAPSHOT_ANNOTATION}, {@value
 * #MODEL_VERSION_ANNOTATION}, {@value #ENVIRONMENT_ANNOTATION} and {@value
 * #CHANGE_CAUSE_ANNOTATION} (shown by {@code kubectl rollout history}). The update is an
 * optimistic-locked replace: when someone else changed the Deployment in between, it reads it again
 * and retries.
 *
 * <p>Then it follows the Deployment through an informer (list once, then watch; no polling) until
 * the rollout is complete, the controller reports {@code ProgressDeadlineExceeded}, or the time is
 * up. Nothing is undone on failure: rolling back is the caller's decision (deploy the previous
 * snapshot).
 *
 * <p>The client is the caller's; it is not closed here.
 */
public final class KubernetesDeployer implements Deployer {
  public static final String SNAPSHOT_ANNOTATION = "autoglm.io/snapshot";
  public static final String MODEL_VERSION_ANNOTATION = "autoglm.io/model-version";
  public static final String ENVIRONMENT_ANNOTATION = "autoglm.io/environment";
  public static final String CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause";

  private static final int MAX_CONFLICT_RETRIES = 5;

  private final KubernetesClient client;
  private final Target target;

  /**
   * Which Deployment to update and how.
   *
   * @param namespace the Deployment's namespace, or {@code null} for the client's
   * @param deployment the Deployment's name
   * @param container the container to update, or {@code null} for the first one
   * @param modelUriVariable receives the release's model URI; {@code null} sets none
   * @param modelVersionVariable receives the model version number; {@code null} sets none
   * @param snapshotVariable receives the snapshot digest; {@code null} sets none
   */
  public record Target(
      String namespace,
      String deployment,
      String container,
      String modelUriVariable,
      String modelVersionVariable,
      String snapshotVariable) {
    public static final String DEFAULT_MODEL_URI_VARIABLE = "MODEL_URI";
    public static final String DEFAULT_MODEL_VERSION_VARIABLE = "MODEL_VERSION";
    public static final String DEFAULT_SNAPSHOT_VARIABLE = "AUTOGLM_SNAPSHOT";

    private static final Pattern DNS_1123 =
        Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public Target {
      namespace = blankToNull(namespace);
      container = blankToNull(container);
      modelUriVariable = blankToNull(modelUriVariable);
      modelVersionVariable = blankToNull(modelVersionVariable);
      snapshotVariable = blankToNull(snapshotVariable);
      requireName(deployment, "deployment", 253);
      if (namespace != null) {
        requireName(namespace, "namespace", 63);
      }
      if (container != null) {
        requireName(container, "container", 63);
      }
      for (String variable :
          new String[] {modelUriVariable, modelVersionVariable, snapshotVariable}) {
        if (variable != null && !VARIABLE.matcher(variable).matches()) {
          throw new IllegalArgumentException(
              "'" + variable + "' is not an environment variable name; use letters, digits and _");
        }
      }
    }

    /** The Deployment in a namespace, its first container, the default variable names. */
    public static Target of(String namespace, String deployment) {
      return new Target(
          namespace,
          deployment,
          null,
          DEFAULT_MODEL_URI_VARIABLE,
          DEFAULT_MODEL_VERSION_VARIABLE,
          DEFAULT_SNAPSHOT_VARIABLE);
    }

    public Target withContainer(String name) {
      return new Target(
          namespace, deployment, name, modelUriVariable, modelVersionVariable, snapshotVariable);
    }

    public Target withVariables(String modelUri, String modelVersion, String snapshot) {
      return new Target(namespace, deployment, container, modelUri, modelVersion, snapshot);
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value;
    }

    private static void requireName(String value, String what, int maxLength) {
      if (value == null || value.length() > maxLength || !DNS_1123.matcher(value).matches()) {
        throw new IllegalArgumentException(
            what
                + " '"
                + value
                + "' is not a Kubernetes name (lower-case letters, digits, '-' and '.', at most "
                + maxLength
                + " characters)");
      }
    }
  }

  public KubernetesDeployer(KubernetesClient client, Target target) {
    this.client = Objects.requireNonNull(client, "client");
    this.target = Objects.requireNonNull(target, "target");
  }

  public Target target() {
    return target;
  }

  @Override
  public String describe() {
    return "kubernetes deployment " + namespace() + "/" + target.deployment();
  }

  @Override
  public DeployOutcome deploy(Release release, Duration timeout, DeployListener listener) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    try {
      Deployment updated = update(release, listener, deadline);
      long generation = generation(updated);
      return awaitRollout(release, generation, timeout, start, deadline, listener);
    } catch (Failure e) {
      return DeployOutcome.failed(e.getMessage(), Seconds.since(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DeployOutcome.failed(
          "the deployment of " + name() + " was interrupted; the rollout may still be in progress",
          Seconds.since(start));
    }
  }

  private RollableScalableResource<Deployment> resource() {
    return client.apps().deployments().inNamespace(namespace()).withName(target.deployment());
  }

  private Deployment update(Release release, DeployListener listener, long deadline)
      throws Failure {
    for (int attempt = 1; ; attempt++) {
      Deployment current;
      try {
        current = resource().get();
      } catch (KubernetesClientException e) {
        throw new Failure(explain(e, "read"));
      }
      if (current == null) {
        throw new Failure(name() + " not found in namespace " + namespace());
      }
      List<String> changes = apply(current, release);
      try {
        Deployment updated =
            client.apps().deployments().inNamespace(namespace()).resource(current).update();
        listener.log("updated " + name() + ": " + String.join(", ", changes));
        return updated;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < MAX_CONFLICT_RETRIES && System.nanoTime() < deadline) {
          listener.log(name() + " was changed by someone else meanwhile; reading it again");
          continue;
        }
        throw new Failure(explain(e, "update"));
      }
    }
  }

  /** Changes the Deployment in place; returns what was set, for the log. */
  private List<String> apply(Deployment deployment, Release release) throws Failure {
    PodSpec pod =
        deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
            ? null
            : deployment.getSpec().getTemplate().getSpec();
    List<Container> containers = pod == null ? null : pod.getContainers();
    if (containers == null || containers.isEmpty()) {
      throw new Failure(name() + " has no containers");
    }
    Container container = containers.get(0);
    if (target.container() != null) {
      container =
          containers.stream()
              .filter(c -> target.container().equals(c.getName()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new Failure(
                          name()
                              + " has no container named '"
                              + target.container()
                              + "' (it has: "
                              + containers.stream()
                                  .map(Container::getName)
                                  .collect(Collectors.joining(", "))
                              + ")"));
    }
    List<String> changes = new ArrayList<>();
    if (release.image() != null) {
      container.setImage(release.image());
      changes.add("image " + release.image());
    }
    setVariable(container, target.modelUriVariable(), release.modelUri(), changes);
    setVariable(
        container,
        target.modelVersionVariable(),
        Integer.toString(release.modelVersion()),
        changes);
    setVariable(container, target.snapshotVariable(), release.snapshotDigest(), changes);

    Map<String, String> annotations = deployment.getMetadata().getAnnotations();
    annotations = annotations == null ? new LinkedHashMap<>() : new LinkedHashMap<>(annotations);
    annotations.put(SNAPSHOT_ANNOTATION, release.snapshotDigest());
    annotations.put(MODEL_VERSION_ANNOTATION, Integer.toString(release.modelVersion()));
    annotations.put(ENVIRONMENT_ANNOTATION, release.environment());
    annotations.put(
        CHANGE_CAUSE_ANNOTATION, "autoglm: " + release.describe() + " to " + release.environment());
    deployment.getMetadata().setAnnotations(annotations);
    changes.add("annotations " + SNAPSHOT_ANNOTATION + " and " + MODEL_VERSION_ANNOTATION);
    return changes;
  }

  private static void setVariable(
      Container container, String name, String value, List<String> changes) {
    if (name == null) {
      return;
    }
    List<EnvVar> env = container.getEnv() == null ? new ArrayList<>() : container.getEnv();
    container.setEnv(env);
    changes.add(name + "=" + value);
    for (EnvVar variable : env) {
      if (name.equals(variable.getName())) {
        variable.setValue(value);
        variable.setValueFrom(null);
        return;
      }
    }
    env.add(new EnvVar(name, value, null));
  }

  private static long generation(Deployment deployment) {
    Long generation = deployment.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  private DeployOutcome awaitRollout(
      Release release,
      long generation,
      Duration timeout,
      long start,
      long deadline,
      DeployListener listener)
      throws Failure, InterruptedException {
    Semaphore changed = new Semaphore(0);
    AtomicBoolean deleted = new AtomicBoolean();
    AtomicReference<Throwable> refused = new AtomicReference<>();
    SharedIndexInformer<Deployment> informer = resource().runnableInformer(0);
    // An informer stops on most watch errors; a rollout outlives API server hiccups, so retry
    // (with the informer's backoff) everything but a refusal.
    informer.exceptionHandler(
        (started, error) -> {
          if (isRefusal(error)) {
            refused.compareAndSet(null, error);
            changed.release();
            return false;
          }
          return true;
        });
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Deployment deployment) {
            changed.release();
          }

          @Override
          public void onUpdate(Deployment before, Deployment after) {
            changed.release();
          }

          @Override
          public void onDelete(Deployment deployment, boolean finalStateUnknown) {
            deleted.set(true);
            changed.release();
          }
        });
    try {
      startInformer(informer, timeout, deadline);
      String reported = null;
      while (true) {
        changed.drainPermits();
        List<Deployment> seen = informer.getStore().list();
        if (seen.isEmpty()) {
          throw new Failure(
              name()
                  + (deleted.get() ? " was deleted during the rollout" : " is gone")
                  + " (namespace "
                  + namespace()
                  + ")");
        }
        RolloutProgress progress = RolloutProgress.of(seen.get(0), generation);
        Duration took = Seconds.since(start);
        if (progress.complete()) {
          return DeployOutcome.succeeded(
              name()
                  + " rolled out "
                  + release.describe()
                  + " in "
                  + Seconds.format(took)
                  + ": "
                  + progress.describe(),
              took);
        }
        if (progress.failed()) {
          return DeployOutcome.failed(
              "rollout of "
                  + name()
                  + " failed after "
                  + Seconds.format(took)
                  + ": "
                  + progress.describe(),
              took);
        }
        if (refused.get() != null) {
          throw new Failure(
              "lost the watch on " + name() + ": " + explainThrowable(refused.get(), "watch"));
        }
        String description = progress.describe();
        if (!description.equals(reported)) {
          listener.log(name() + ": " + description);
          reported = description;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return DeployOutcome.failed(
              "rollout of "
                  + name()
                  + " did not complete within "
                  + Seconds.format(timeout)
                  + ": "
                  + description,
              took);
        }
        changed.tryAcquire(left, TimeUnit.NANOSECONDS);
      }
    } finally {
      informer.stop();
    }
  }

  private void startInformer(
      SharedIndexInformer<Deployment> informer, Duration timeout, long deadline)
      throws Failure, InterruptedException {
    try {
      informer
          .start()
          .toCompletableFuture()
          .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new Failure(
          "cannot follow the rollout of "
              + name()
              + ": "
              + explainThrowable(e.getCause(), "watch"));
    } catch (TimeoutException e) {
      throw new Failure(
          "rollout of "
              + name()
              + " did not complete within "
              + Seconds.format(timeout)
              + ": the deployment could not even be listed");
    }
  }

  private String name() {
    return "deployment " + target.deployment();
  }

  private String namespace() {
    if (target.namespace() != null) {
      return target.namespace();
    }
    String namespace = client.getNamespace();
    return namespace == null ? "default" : namespace;
  }

  private String explainThrowable(Throwable error, String action) {
    if (error instanceof KubernetesClientException kce) {
      return explain(kce, action);
    }
    return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
  }

  /**
   * One sentence for an API error: not found, not allowed, unreachable, or what the server said.
   */
  private String explain(KubernetesClientException e, String action) {
    String where = name() + " in namespace " + namespace();
    return switch (e.getCode()) {
      case 404 -> where + " not found";
      case 401, 403 -> "not allowed to " + action + " " + where + ": " + serverMessage(e);
      default -> {
        String network = networkProblem(e);
        if (e.getCode() < 100 && network != null) {
          yield "cannot reach the Kubernetes API server at "
              + client.getMasterUrl()
              + ": "
              + network;
        }
        yield "cannot " + action + " " + where + ": " + serverMessage(e);
      }
    };
  }

  /** What went wrong on the network, or {@code null} when no I/O error is among the causes. */
  private static String networkProblem(Throwable error) {
    String found = null;
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnknownHostException) {
        return "host not found";
      }
      if (cause instanceof ConnectException) {
        return cause.getMessage() == null ? "connection refused" : cause.getMessage();
      }
      if (cause instanceof IOException && found == null) {
        found = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      }
    }
    return found;
  }

  private static String serverMessage(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status != null && status.getMessage() != null) {
      return status.getMessage();
    }
    return e.getMessage();
  }

  private static boolean isRefusal(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException kce
          && (kce.getCode() == 401 || kce.getCode() == 403)) {
        return true;
      }
    }
    return false;
  }

  /** Ends a deployment early with a message for the outcome. */
  private static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }
}
