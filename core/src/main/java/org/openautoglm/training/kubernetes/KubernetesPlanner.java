package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.openautoglm.training.TrainingSpec;

/**
 * Plans the Kubernetes objects of one distributed training run: an optional ConfigMap of rendered
 * configs, a headless Service that gives rank 0 a stable DNS name, and an Indexed Job with one pod
 * per node. Planning is pure: it talks to no cluster, and the same inputs give the same objects.
 *
 * <h2>The Job</h2>
 *
 * <ul>
 *   <li><b>Indexed</b>: {@code completions = parallelism = nodes}; pod {@code i} is node rank
 *       {@code i}, gets the hostname {@code <job>-<i>}, and with {@code subdomain = <service>} rank
 *       0 is reachable as {@code <job>-0.<service>} ({@code MASTER_ADDR}).
 *   <li><b>Restarts</b>: {@code backoffLimit = maxRestarts × nodes}. The budget in the spec is in
 *       restarts of the whole group, and a failing rank takes its peers down with it (a static
 *       rendezvous cannot take a stranger back), so one group restart costs up to {@code nodes} pod
 *       failures. {@code backoffLimitPerIndex} was considered and not used: it counts per rank,
 *       which is not how torch fails, it needs Kubernetes 1.29+, and a failed index would leave the
 *       other ranks running until {@code maxFailedIndexes} or the deadline stops them. {@code
 *       podReplacementPolicy: Failed} keeps at most one pod per index, so a replacement never races
 *       the terminating pod it replaces for the hostname.
 *   <li><b>Pod failure policy</b> (rules apply in order):
 *       <ol>
 *         <li>{@code Ignore} a pod with the {@code DisruptionTarget} condition: preemption,
 *             eviction, node drain and taint-based eviction are not the program's fault and do not
 *             use the budget.
 *         <li>{@code FailJob} when the trainer exits with a code in {@link #FAIL_JOB_EXIT_CODES}
 *             (2–128 except 75): the program chose to stop (argparse's 2, {@code sys.exit(n)}),
 *             could not be run (126 not executable, 127 not found, 128 the runtime's {@code
 *             StartError}); running it again gives the same answer, so the budget is not spent on
 *             it.
 *       </ol>
 *       Everything else counts against {@code backoffLimit}: exit code 1 (an uncaught Python
 *       exception, which is also how NCCL errors, CUDA errors and every peer of a lost rank end, so
 *       it cannot tell a bug from bad luck), 75 ({@code EX_TEMPFAIL}, a script's way of asking for
 *       another try), and deaths by signal (134 NCCL watchdog abort, 137 OOM kill, 139 segfault,
 *       143 SIGTERM). Under torchrun ({@code procsPerNode > 1}) torchrun reports any failed worker
 *       as 1, so only torchrun's own usage errors and start failures fail fast.
 *   <li><b>Deadline</b>: {@code activeDeadlineSeconds} is the spec's timeout (the clock stops while
 *       Kueue keeps the Job suspended).
 *   <li><b>Clean-up</b>: {@code ttlSecondsAfterFinished} is {@link #TTL_SECONDS} (an hour to read
 *       logs), or {@link #KEEP_TTL_SECONDS} (a week) with {@code keepOnFailure}. The TTL cannot
 *       tell success from failure, so with {@code keepOnFailure} the launcher deletes a succeeded
 *       run itself and the week is the backstop for failed ones. The TTL deletes the Job and its
 *       pods; the Service and ConfigMap go with them once the launcher has made the created Job
 *       their owner ({@link #ownerReference(Job)}; a plan cannot, the Job's uid is not known).
 * </ul>
 *
 * <h2>The pods</h2>
 *
 * <p>One container, {@value #CONTAINER_NAME}, whose {@code command} is the spec's argument list
 * (never {@code sh -c}); with {@code procsPerNode > 1} it is {@code torchrun --no-python
 * <command...>}, configured through torchrun's {@code PET_*} variables. Kubernetes expands {@code
 * $(NAME)} in commands and environment values; the spec's text is escaped so that it reaches the
 * program exactly as written, as it does with the local launcher. {@code /dev/shm} is a
 * memory-backed {@code emptyDir} of {@code shmSize} (it counts against the memory limit). GPU, CPU
 * and memory requests equal their limits. Service links are off, so a Service that happens to be
 * called {@code master} cannot leak {@code MASTER_PORT=tcp://...} into the environment.
 *
 * <h2>Gang scheduling</h2>
 *
 * <ul>
 *   <li><b>Kueue</b>: the Job carries the label {@value #KUEUE_QUEUE_LABEL} naming a LocalQueue and
 *       is created with {@code suspend: true}; Kueue admits it as a whole (quota for all {@code
 *       nodes} pods) and unsuspends it.
 *   <li><b>Volcano</b>: pods use {@code schedulerName: volcano}. For a plain batch Job, Volcano's
 *       controller creates the PodGroup itself, one per owning Job, with {@code minMember} from the
 *       Job's annotation {@value #VOLCANO_MIN_MEMBER} (= {@code nodes}) and the queue from the
 *       pods' annotation {@value #VOLCANO_QUEUE}. The pods deliberately do not carry {@code
 *       scheduling.k8s.io/group-name}: that annotation names a PodGroup that must already exist,
 *       which the controller then neither creates nor sizes, and a plan of plain objects has none.
 * </ul>
 */
public final class KubernetesPlanner {
  /** The name of the training container in every pod. */
  public static final String CONTAINER_NAME = "trainer";

  /** Where the rendered configs are mounted, read-only. */
  public static final String CONFIG_DIR = "/etc/autoglm/configs";

  /** The variable that tells the program where the rendered configs are. */
  public static final String CONFIG_DIR_ENV = "AUTOGLM_CONFIG_DIR";

  /** The variable holding the pod's completion index, the node rank. */
  public static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";

  public static final String SHM_PATH = "/dev/shm";

  /** Seconds a finished run's objects are kept for logs and inspection. */
  public static final int TTL_SECONDS = 60 * 60;

  /** Seconds a finished run's objects are kept when the spec asks to keep failed runs. */
  public static final int KEEP_TTL_SECONDS = 7 * 24 * 60 * 60;

  /** The most pods an Indexed Job may have (a Kubernetes limit). */
  public static final int MAX_NODES = 100_000;

  public static final String KUEUE_QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
  public static final String VOLCANO_SCHEDULER = "volcano";
  public static final String VOLCANO_MIN_MEMBER = "scheduling.volcano.sh/group-min-member";
  public static final String VOLCANO_QUEUE = "scheduling.volcano.sh/queue-name";

  /** The workload name as the user wrote it, before it was made into a DNS label. */
  public static final String NAME_ANNOTATION = "autoglm.io/name";

  public static final String NODES_ANNOTATION = "autoglm.io/nodes";
  public static final String PROCS_PER_NODE_ANNOTATION = "autoglm.io/procs-per-node";
  public static final String GPUS_PER_NODE_ANNOTATION = "autoglm.io/gpus-per-node";
  public static final String WORLD_SIZE_ANNOTATION = "autoglm.io/world-size";
  public static final String MAX_RESTARTS_ANNOTATION = "autoglm.io/max-restarts";

  /**
   * Exit codes of the trainer that fail the whole Job at once: 2 to 128 except 75 (see the class
   * comment for why 1, 75 and signals are retried).
   */
  public static final List<Integer> FAIL_JOB_EXIT_CODES =
      IntStream.rangeClosed(2, 128).filter(code -> code != 75).boxed().toList();

  static final String SHM_VOLUME = "autoglm-shm";
  static final String CONFIG_VOLUME = "autoglm-configs";
  static final String MASTER_PORT_NAME = "master";

  /** The variables the planner sets; a spec's env may not set them too. */
  private static final Set<String> RESERVED_ENV =
      Set.of(
          COMPLETION_INDEX_ENV,
          CONFIG_DIR_ENV,
          "MASTER_ADDR",
          "MASTER_PORT",
          "WORLD_SIZE",
          "RANK",
          "LOCAL_RANK",
          "LOCAL_WORLD_SIZE",
          "NODE_RANK",
          "NNODES",
          "PET_NNODES",
          "PET_NPROC_PER_NODE",
          "PET_NODE_RANK",
          "PET_MASTER_ADDR",
          "PET_MASTER_PORT");

  /**
   * Plans a run.
   *
   * @param spec what to train; its {@code image} is required here
   * @param namespace the namespace every object goes to (a DNS-1123 label)
   * @param runId the run's id, a valid label value (see {@link TrainingLabels#RUN})
   * @param configs rendered config files by relative path; empty for no ConfigMap
   * @throws IllegalArgumentException with a message for the user when the spec cannot run on
   *     Kubernetes as it is
   */
  public TrainingPlan plan(
      TrainingSpec spec, String namespace, String runId, Map<String, String> configs) {
    check(spec, namespace, runId);
    String jobName = KubernetesNames.jobName(spec.name(), runId);
    String serviceName = jobName;
    SortedMap<String, String> labels =
        new TreeMap<>(TrainingLabels.of(KubernetesNames.labelValue(spec.name()), runId));

    ConfigMap configMap = null;
    ConfigMapFiles files = null;
    if (!configs.isEmpty()) {
      files = ConfigMapFiles.of(configs);
      configMap =
          new ConfigMapBuilder()
              .withMetadata(metadata(KubernetesNames.configMapName(jobName), namespace, labels))
              .withImmutable(true)
              .withData(files.data())
              .build();
    }
    Service service = service(spec, serviceName, namespace, labels, runId);
    Job job = job(spec, jobName, serviceName, namespace, labels, configMap, files);
    return new TrainingPlan(runId, namespace, configMap, service, job);
  }

  /**
   * The owner reference that makes a created Job own its run's Service and ConfigMap, so that the
   * Job's TTL (or {@code kubectl delete job}) removes them too.
   *
   * @param created the Job as the API server returned it (with its uid)
   */
  public static OwnerReference ownerReference(Job created) {
    if (created.getMetadata() == null || created.getMetadata().getUid() == null) {
      throw new IllegalArgumentException("the Job has no uid yet; create it first");
    }
    return new OwnerReferenceBuilder()
        .withApiVersion("batch/v1")
        .withKind("Job")
        .withName(created.getMetadata().getName())
        .withUid(created.getMetadata().getUid())
        .build();
  }

  private static Service service(
      TrainingSpec spec,
      String name,
      String namespace,
      SortedMap<String, String> labels,
      String runId) {
    return new ServiceBuilder()
        .withMetadata(metadata(name, namespace, labels))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(new TreeMap<>(TrainingLabels.selector(runId)))
        .addNewPort()
        .withName(MASTER_PORT_NAME)
        .withProtocol("TCP")
        .withPort(spec.masterPort())
        .withNewTargetPort(spec.masterPort())
        .endPort()
        .endSpec()
        .build();
  }

  private static Job job(
      TrainingSpec spec,
      String name,
      String serviceName,
      String namespace,
      SortedMap<String, String> labels,
      ConfigMap configMap,
      ConfigMapFiles files) {
    SortedMap<String, String> jobLabels = new TreeMap<>(labels);
    SortedMap<String, String> annotations = new TreeMap<>();
    annotations.put(NAME_ANNOTATION, spec.name());
    annotations.put(NODES_ANNOTATION, Integer.toString(spec.nodes()));
    annotations.put(PROCS_PER_NODE_ANNOTATION, Integer.toString(spec.procsPerNode()));
    annotations.put(GPUS_PER_NODE_ANNOTATION, Integer.toString(spec.gpusPerNode()));
    annotations.put(WORLD_SIZE_ANNOTATION, Integer.toString(spec.worldSize()));
    annotations.put(MAX_RESTARTS_ANNOTATION, Integer.toString(spec.maxRestarts()));
    SortedMap<String, String> podAnnotations = new TreeMap<>();
    TrainingSpec.Queue queue = spec.queue();
    boolean kueue = queue != null && queue.kind() == TrainingSpec.Queue.Kind.KUEUE;
    boolean volcano = queue != null && queue.kind() == TrainingSpec.Queue.Kind.VOLCANO;
    if (kueue) {
      jobLabels.put(KUEUE_QUEUE_LABEL, queue.name());
    } else if (volcano) {
      annotations.put(VOLCANO_MIN_MEMBER, Integer.toString(spec.nodes()));
      podAnnotations.put(VOLCANO_QUEUE, queue.name());
    }

    ObjectMetaBuilder podMetadata = new ObjectMetaBuilder().withLabels(labels);
    if (!podAnnotations.isEmpty()) {
      podMetadata.withAnnotations(podAnnotations);
    }
    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withRestartPolicy("Never")
            .withSubdomain(serviceName)
            .withEnableServiceLinks(false)
            .withContainers(container(spec, name, serviceName, configMap != null))
            .withVolumes(volumes(spec, configMap, files));
    if (volcano) {
      pod.withSchedulerName(VOLCANO_SCHEDULER);
    }
    if (spec.serviceAccount() != null) {
      pod.withServiceAccountName(spec.serviceAccount());
    }
    for (String secret : spec.imagePullSecrets()) {
      pod.addToImagePullSecrets(new LocalObjectReference(secret));
    }
    if (!spec.nodeSelector().isEmpty()) {
      pod.withNodeSelector(new TreeMap<>(spec.nodeSelector()));
    }
    pod.withTolerations(tolerations(spec));

    JobSpecBuilder job =
        new JobSpecBuilder()
            .withCompletionMode("Indexed")
            .withCompletions(spec.nodes())
            .withParallelism(spec.nodes())
            .withBackoffLimit(Math.multiplyExact(spec.maxRestarts(), spec.nodes()))
            .withPodReplacementPolicy("Failed")
            .withPodFailurePolicy(podFailurePolicy())
            .withActiveDeadlineSeconds(seconds(spec.timeout()))
            .withTtlSecondsAfterFinished(spec.keepOnFailure() ? KEEP_TTL_SECONDS : TTL_SECONDS)
            .withNewTemplate()
            .withMetadata(podMetadata.build())
            .withSpec(pod.build())
            .endTemplate();
    if (kueue) {
      job.withSuspend(true);
    }
    return new JobBuilder()
        .withMetadata(
            new ObjectMetaBuilder(metadata(name, namespace, jobLabels))
                .withAnnotations(annotations)
                .build())
        .withSpec(job.build())
        .build();
  }

  /** The policy described in the class comment. */
  static PodFailurePolicy podFailurePolicy() {
    return new PodFailurePolicyBuilder()
        .addNewRule()
        .withAction("Ignore")
        .addNewOnPodCondition()
        .withType("DisruptionTarget")
        .withStatus("True")
        .endOnPodCondition()
        .endRule()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(CONTAINER_NAME)
        .withOperator("In")
        .withValues(FAIL_JOB_EXIT_CODES)
        .endOnExitCodes()
        .endRule()
        .build();
  }

  private static Container container(
      TrainingSpec spec, String jobName, String serviceName, boolean hasConfigs) {
    List<String> command = new ArrayList<>();
    if (spec.procsPerNode() > 1) {
      command.add("torchrun");
      command.add("--no-python");
    }
    spec.command().forEach(argument -> command.add(literal(argument)));

    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER_NAME)
            .withImage(spec.image())
            .withCommand(command)
            .withEnv(environment(spec, jobName, serviceName, hasConfigs))
            .addNewPort()
            .withName(MASTER_PORT_NAME)
            .withContainerPort(spec.masterPort())
            .withProtocol("TCP")
            .endPort()
            .withVolumeMounts(volumeMounts(spec, hasConfigs));
    if (spec.workingDir() != null) {
      container.withWorkingDir(spec.workingDir());
    }
    Map<String, Quantity> resources = new TreeMap<>();
    if (spec.cpu() != null) {
      resources.put("cpu", new Quantity(spec.cpu()));
    }
    if (spec.memory() != null) {
      resources.put("memory", new Quantity(spec.memory()));
    }
    if (spec.gpusPerNode() > 0) {
      String gpu =
          spec.gpuResource() == null ? TrainingSpec.DEFAULT_GPU_RESOURCE : spec.gpuResource();
      resources.put(gpu, new Quantity(Integer.toString(spec.gpusPerNode())));
    }
    if (!resources.isEmpty()) {
      container.withResources(
          new ResourceRequirementsBuilder()
              .withRequests(resources)
              .withLimits(new TreeMap<>(resources))
              .build());
    }
    return container.build();
  }

  /**
   * The rank contract for every pod, then the spec's variables in name order. Node rank comes from
   * the completion index, read from the pod's annotation by the first variable so that the ones
   * after it can use it through {@code $(JOB_COMPLETION_INDEX)}.
   */
  static List<EnvVar> environment(
      TrainingSpec spec, String jobName, String serviceName, boolean hasConfigs) {
    String index = "$(" + COMPLETION_INDEX_ENV + ")";
    String master = KubernetesNames.masterAddress(jobName, serviceName);
    String port = Integer.toString(spec.masterPort());
    String nodes = Integer.toString(spec.nodes());
    String procs = Integer.toString(spec.procsPerNode());
    List<EnvVar> env = new ArrayList<>();
    env.add(
        new EnvVarBuilder()
            .withName(COMPLETION_INDEX_ENV)
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath(
                "metadata.annotations['" + TrainingLabels.COMPLETION_INDEX_ANNOTATION + "']")
            .endFieldRef()
            .endValueFrom()
            .build());
    env.add(variable("MASTER_ADDR", master));
    env.add(variable("MASTER_PORT", port));
    env.add(variable("NNODES", nodes));
    env.add(variable("NODE_RANK", index));
    env.add(variable("WORLD_SIZE", Integer.toString(spec.worldSize())));
    env.add(variable("LOCAL_WORLD_SIZE", procs));
    if (spec.procsPerNode() == 1) {
      env.add(variable("RANK", index));
      env.add(variable("LOCAL_RANK", "0"));
    } else {
      // torchrun reads its arguments from PET_* and sets RANK and LOCAL_RANK per worker.
      env.add(variable("PET_NNODES", nodes));
      env.add(variable("PET_NPROC_PER_NODE", procs));
      env.add(variable("PET_NODE_RANK", index));
      env.add(variable("PET_MASTER_ADDR", master));
      env.add(variable("PET_MASTER_PORT", port));
    }
    if (hasConfigs) {
      env.add(variable(CONFIG_DIR_ENV, CONFIG_DIR));
    }
    new TreeMap<>(spec.env()).forEach((name, value) -> env.add(variable(name, literal(value))));
    return env;
  }

  private static List<VolumeMount> volumeMounts(TrainingSpec spec, boolean hasConfigs) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName(SHM_VOLUME).withMountPath(SHM_PATH).build());
    if (hasConfigs) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(CONFIG_VOLUME)
              .withMountPath(CONFIG_DIR)
              .withReadOnly(true)
              .build());
    }
    for (TrainingSpec.VolumeMount volume : spec.volumes()) {
      VolumeMountBuilder mount =
          new VolumeMountBuilder().withName(volume.name()).withMountPath(volume.mountPath());
      if (volume.readOnly()) {
        mount.withReadOnly(true);
      }
      mounts.add(mount.build());
    }
    return mounts;
  }

  private static List<Volume> volumes(
      TrainingSpec spec, ConfigMap configMap, ConfigMapFiles files) {
    List<Volume> volumes = new ArrayList<>();
    String shmSize = spec.shmSize() == null ? TrainingSpec.DEFAULT_SHM_SIZE : spec.shmSize();
    volumes.add(
        new VolumeBuilder()
            .withName(SHM_VOLUME)
            .withNewEmptyDir()
            .withMedium("Memory")
            .withSizeLimit(new Quantity(shmSize))
            .endEmptyDir()
            .build());
    if (configMap != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(CONFIG_VOLUME)
              .withNewConfigMap()
              .withName(configMap.getMetadata().getName())
              .withItems(files.items())
              .endConfigMap()
              .build());
    }
    for (TrainingSpec.VolumeMount volume : spec.volumes()) {
      // Read-only is set on the mount; that is what the container sees.
      volumes.add(
          new VolumeBuilder()
              .withName(volume.name())
              .withNewPersistentVolumeClaim()
              .withClaimName(volume.claim())
              .endPersistentVolumeClaim()
              .build());
    }
    return volumes;
  }

  private static List<Toleration> tolerations(TrainingSpec spec) {
    List<Toleration> tolerations = new ArrayList<>();
    for (TrainingSpec.Toleration toleration : spec.tolerations()) {
      tolerations.add(
          new TolerationBuilder()
              .withKey(toleration.key())
              .withOperator(toleration.operator())
              .withValue(toleration.value())
              .withEffect(toleration.effect())
              .build());
    }
    return tolerations;
  }

  private static ObjectMeta metadata(
      String name, String namespace, SortedMap<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(new TreeMap<>(labels))
        .build();
  }

  private static EnvVar variable(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  /**
   * Text that Kubernetes' {@code $(VAR)} expansion turns back into itself: every {@code $} is
   * doubled, and expansion reads {@code $$} as one {@code $}.
   */
  static String literal(String text) {
    return text.replace("$", "$$");
  }

  private static long seconds(Duration timeout) {
    long seconds = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  private static void check(TrainingSpec spec, String namespace, String runId) {
    List<String> problems = new ArrayList<>();
    if (!KubernetesNames.isDnsLabel(namespace)) {
      problems.add(
          "namespace '" + namespace + "' is not a DNS-1123 label (lower case, digits, '-')");
    }
    if (runId == null || runId.isEmpty() || !KubernetesNames.isLabelValue(runId)) {
      problems.add(
          "run id '"
              + runId
              + "' is not a label value (at most 63 letters, digits, '-', '_' or '.',"
              + " a letter or digit at both ends)");
    }
    if (spec.name() == null) {
      problems.add("training.name is missing");
    }
    if (spec.image() == null || spec.image().isBlank()) {
      problems.add("training.image is required for the kubernetes backend: name the image to run");
    }
    if (spec.command().isEmpty()) {
      problems.add("training.command is empty: give the program and its arguments");
    }
    if (spec.nodes() < 1 || spec.nodes() > MAX_NODES) {
      problems.add("training.nodes must be between 1 and " + MAX_NODES + ", not " + spec.nodes());
    }
    if (spec.procsPerNode() < 1) {
      problems.add("training.procsPerNode must be at least 1, not " + spec.procsPerNode());
    }
    if (spec.gpusPerNode() < 0) {
      problems.add("training.gpusPerNode must not be negative");
    }
    if (spec.masterPort() < 1 || spec.masterPort() > 65_535) {
      problems.add("training.masterPort " + spec.masterPort() + " is not a port");
    }
    if (spec.maxRestarts() < 0) {
      problems.add("training.maxRestarts must not be negative");
    }
    if (spec.timeout() == null || spec.timeout().isNegative() || spec.timeout().isZero()) {
      problems.add("training.timeout must be positive");
    }
    for (String name : spec.env().keySet()) {
      if (RESERVED_ENV.contains(name)) {
        problems.add(
            "training.env sets "
                + name
                + ", which the launcher sets for every rank; remove it from env");
      }
    }
    checkQuantity("training.cpu", spec.cpu(), problems);
    checkQuantity("training.memory", spec.memory(), problems);
    checkQuantity("training.shmSize", spec.shmSize(), problems);
    for (TrainingSpec.Toleration toleration : spec.tolerations()) {
      if ("Exists".equals(toleration.operator()) && toleration.value() != null) {
        problems.add(
            "the toleration of '"
                + toleration.key()
                + "' has operator Exists and a value; drop the value or use Equal");
      }
    }
    checkVolumes(spec, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private static void checkQuantity(String field, String quantity, List<String> problems) {
    if (quantity == null) {
      return;
    }
    try {
      Quantity parsed = new Quantity(quantity);
      if (Quantity.getAmountInBytes(parsed).signum() <= 0) {
        problems.add(field + " '" + quantity + "' must be more than zero");
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      problems.add(
          field + " '" + quantity + "' is not a Kubernetes quantity; write e.g. 8, 500m or 64Gi");
    }
  }

  private static void checkVolumes(TrainingSpec spec, List<String> problems) {
    Set<String> names = new HashSet<>(Set.of(SHM_VOLUME, CONFIG_VOLUME));
    Set<String> paths = new HashSet<>(Set.of(SHM_PATH, CONFIG_DIR));
    for (TrainingSpec.VolumeMount volume : spec.volumes()) {
      if (!KubernetesNames.isDnsLabel(volume.name())) {
        problems.add("volume name '" + volume.name() + "' is not a DNS-1123 label");
      } else if (!names.add(volume.name())) {
        problems.add("volume name '" + volume.name() + "' is used twice or reserved");
      }
      if (volume.claim() == null || volume.claim().isEmpty()) {
        problems.add("volume '" + volume.name() + "' names no claim");
      }
      String path = volume.mountPath();
      if (path == null || !path.startsWith("/")) {
        problems.add("volume '" + volume.name() + "' needs an absolute mountPath");
      } else if (!paths.add(path.length() > 1 && path.endsWith("/") ? strip(path) : path)) {
        problems.add(
            "volume '"
                + volume.name()
                + "' mounts at "
                + path
                + ", which is already taken (/dev/shm and "
                + CONFIG_DIR
                + " are reserved)");
      }
    }
  }

  private static String strip(String path) {
    String stripped = path;
    while (stripped.length() > 1 && stripped.endsWith("/")) {
      stripped = stripped.substring(0, stripped.length() - 1);
    }
    return stripped;
  }
}
