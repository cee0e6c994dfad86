package org.openautoglm.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openautoglm.training.kubernetes.KubernetesPlannerGoldenTest.NAMESPACE;
import static org.openautoglm.training.kubernetes.KubernetesPlannerGoldenTest.RUN_ID;
import static org.openautoglm.training.kubernetes.KubernetesPlannerGoldenTest.spec;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openautoglm.training.RankContract;
import org.openautoglm.training.TrainingSpec;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class KubernetesPlannerTest {
  private final KubernetesPlanner planner = new KubernetesPlanner();

  private TrainingPlan plan(TrainingSpec spec) {
    return planner.plan(spec, NAMESPACE, RUN_ID, Map.of());
  }

  private TrainingPlan plan(TrainingSpec spec, Map<String, String> configs) {
    return planner.plan(spec, NAMESPACE, RUN_ID, configs);
  }

  private static PodSpec pod(TrainingPlan plan) {
    return plan.job().getSpec().getTemplate().getSpec();
  }

  private static Container trainer(TrainingPlan plan) {
    return pod(plan).getContainers().get(0);
  }

  @Nested
  class Names {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "My_Model.v2",
          "UPPER CASE name",
          "3d-unet",
          "___",
          "ünïcödé-model",
          "a..b__c--d",
          "-leading-and-trailing-"
        })
    void shouldSanitiseNamesFromUserInput(String name) {
      TrainingPlan plan = plan(spec().name(name).build());

      String jobName = plan.job().getMetadata().getName();
      assertThat(jobName)
          .matches("[a-z]([-a-z0-9]*[a-z0-9])?")
          .hasSizeLessThanOrEqualTo(KubernetesNames.MAX_JOB_NAME)
          .endsWith("-" + KubernetesNames.hash(RUN_ID))
          .doesNotContain("--");
      assertThat(plan.service().getMetadata().getName()).isEqualTo(jobName);
      assertThat(plan.job().getMetadata().getAnnotations())
          .containsEntry(KubernetesPlanner.NAME_ANNOTATION, name);
      assertThat(
              KubernetesNames.isLabelValue(
                  plan.job().getMetadata().getLabels().get(TrainingLabels.PROJECT)))
          .isTrue();
    }

    @Test
    void shouldKeepPodNamesAndHostnamesOfAHundredCharacterNameWithinALabel() {
      String name = "Very_Long.Model-Name-".repeat(5);
      assertThat(name).hasSizeGreaterThanOrEqualTo(100);

      String jobName = plan(spec().name(name).build()).job().getMetadata().getName();

      String lastPod = jobName + "-" + (KubernetesPlanner.MAX_NODES - 1) + "-abcde";
      assertThat(lastPod).hasSizeLessThanOrEqualTo(KubernetesNames.MAX_LABEL);
      assertThat(jobName).startsWith("very-long-model-name-very-long");
    }

    @Test
    void shouldLeaveReadableNamesReadable() {
      assertThat(KubernetesNames.jobName("llama-ft", "run-1")).startsWith("llama-ft-");
      assertThat(KubernetesNames.dnsLabel("My_Model.v2", 63)).isEqualTo("my-model-v2");
      assertThat(KubernetesNames.dnsLabel("3d-unet", 63)).isEqualTo("train-3d-unet");
      assertThat(KubernetesNames.dnsLabel("___", 63)).isEqualTo("train");
      assertThat(KubernetesNames.labelValue("My_Model.v2")).isEqualTo("My_Model.v2");
      assertThat(KubernetesNames.labelValue("_a b_")).isEqualTo("a-b");
    }

    @Test
    void shouldGiveEveryRunItsOwnNameAndOneRunTheSameNameAlways() {
      Set<String> names = new HashSet<>();
      for (int run = 0; run < 1000; run++) {
        names.add(KubernetesNames.jobName("llama-ft", "llama-ft-m3k9x2-" + run));
      }

      assertThat(names).hasSize(1000);
      assertThat(KubernetesNames.jobName("llama-ft", RUN_ID))
          .isEqualTo(KubernetesNames.jobName("llama-ft", RUN_ID));
      assertThat(KubernetesManifests.yaml(plan(spec().build())))
          .isEqualTo(KubernetesManifests.yaml(plan(spec().build())));
    }

    @Test
    void shouldNameTheConfigMapAfterTheJob() {
      TrainingPlan plan = plan(spec().build(), Map.of("train.yaml", "a: 1\n"));

      assertThat(plan.configMap().getMetadata().getName())
          .isEqualTo(plan.job().getMetadata().getName() + "-configs")
          .hasSizeLessThanOrEqualTo(KubernetesNames.MAX_LABEL);
    }
  }

  @Nested
  class Environment {
    @Test
    void shouldGiveEachPodTheRankContractOfItsIndex() {
      TrainingPlan plan = plan(spec().shape(4, 1, 1).build());
      String master =
          "demo-" + KubernetesNames.hash(RUN_ID) + "-0.demo-" + KubernetesNames.hash(RUN_ID);

      for (int index = 0; index < 4; index++) {
        Map<String, String> env = kubeletEnvironment(trainer(plan), index);

        assertThat(env)
            .containsAllEntriesOf(RankContract.environment(master, 29500, 4, 1, index))
            .doesNotContainKeys("PET_NNODES", "PET_NODE_RANK");
      }
      assertThat(trainer(plan).getCommand()).containsExactly("python", "train.py");
    }

    @Test
    void shouldStartTorchrunWithItsVariablesForSeveralProcessesPerNode() {
      TrainingPlan plan = plan(spec().shape(2, 4, 4).command("python", "train.py").build());
      Map<String, String> env = kubeletEnvironment(trainer(plan), 1);
      String master =
          KubernetesNames.masterAddress(
              plan.job().getMetadata().getName(), plan.service().getMetadata().getName());

      assertThat(trainer(plan).getCommand())
          .containsExactly("torchrun", "--no-python", "python", "train.py");
      assertThat(trainer(plan).getArgs()).isEmpty();
      assertThat(env)
          .containsEntry("PET_NNODES", "2")
          .containsEntry("PET_NPROC_PER_NODE", "4")
          .containsEntry("PET_NODE_RANK", "1")
          .containsEntry("PET_MASTER_ADDR", master)
          .containsEntry("PET_MASTER_PORT", "29500")
          .containsEntry("MASTER_ADDR", master)
          .containsEntry("NNODES", "2")
          .containsEntry("NODE_RANK", "1")
          .containsEntry("WORLD_SIZE", "8")
          .containsEntry("LOCAL_WORLD_SIZE", "4")
          .doesNotContainKeys("RANK", "LOCAL_RANK");
    }

    @Test
    void shouldReadTheIndexFromThePodAnnotationBeforeAnyVariableUsesIt() {
      EnvVar first = trainer(plan(spec().build())).getEnv().get(0);

      assertThat(first.getName()).isEqualTo("JOB_COMPLETION_INDEX");
      assertThat(first.getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }

    @Test
    void shouldPassTheSpecsVariablesAndArgumentsThroughLiterally() {
      TrainingPlan plan =
          plan(
              spec()
                  .command("python", "train.py", "--tag=$(RANK)", "cost$$", "$")
                  .env(Map.of("GREETING", "$(RANK) costs $$5", "PLAIN", "yes"))
                  .build());
      Container trainer = trainer(plan);
      Map<String, String> env = kubeletEnvironment(trainer, 2);

      assertThat(env)
          .containsEntry("GREETING", "$(RANK) costs $$5")
          .containsEntry("PLAIN", "yes")
          .containsEntry("RANK", "2");
      assertThat(trainer.getCommand().stream().map(arg -> expand(arg, env)))
          .containsExactly("python", "train.py", "--tag=$(RANK)", "cost$$", "$");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RANK", "MASTER_ADDR", "PET_NNODES", "JOB_COMPLETION_INDEX"})
    void shouldRefuseVariablesThePlannerSets(String name) {
      TrainingSpec spec = spec().env(Map.of(name, "1")).build();

      assertThatThrownBy(() -> plan(spec))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("training.env sets " + name);
    }

    @Test
    void shouldNeverWrapTheCommandInAShell() {
      TrainingPlan plan =
          plan(spec().command("python", "train.py", "; rm -rf / && echo $HOME").build());

      assertThat(trainer(plan).getCommand())
          .containsExactly("python", "train.py", "; rm -rf / && echo $$HOME")
          .doesNotContain("sh", "bash", "-c");
      assertThat(trainer(plan).getArgs()).isEmpty();
    }

    @Test
    void shouldSetTheWorkingDirectoryOnlyWhenGiven() {
      assertThat(trainer(plan(spec().workingDir("/workspace").build())).getWorkingDir())
          .isEqualTo("/workspace");
      assertThat(trainer(plan(spec().build())).getWorkingDir()).isNull();
    }
  }

  @Nested
  class Resources {
    @Test
    void shouldMountAMemoryBackedShmOfTheRequestedSize() {
      TrainingPlan plan = plan(spec().shmSize("32Gi").build());
      Volume shm = volume(plan, KubernetesPlanner.SHM_VOLUME);

      assertThat(shm.getEmptyDir().getMedium()).isEqualTo("Memory");
      assertThat(shm.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("32Gi"));
      assertThat(trainer(plan).getVolumeMounts())
          .anySatisfy(
              mount -> {
                assertThat(mount.getName()).isEqualTo(KubernetesPlanner.SHM_VOLUME);
                assertThat(mount.getMountPath()).isEqualTo("/dev/shm");
              });
    }

    @Test
    void shouldRequestTheGpusOfANode() {
      Container trainer =
          trainer(
              plan(
                  spec()
                      .shape(1, 8, 8)
                      .gpuResource("amd.com/gpu")
                      .cpu("32")
                      .memory("256Gi")
                      .build()));

      SoftAssertions.assertSoftly(
          softly -> {
            softly
                .assertThat(trainer.getResources().getLimits())
                .containsEntry("amd.com/gpu", new Quantity("8"))
                .containsEntry("cpu", new Quantity("32"))
                .containsEntry("memory", new Quantity("256Gi"));
            softly
                .assertThat(trainer.getResources().getRequests())
                .isEqualTo(trainer.getResources().getLimits());
          });
    }

    @Test
    void shouldRequestNoGpuForACpuOnlyRun() {
      Container trainer = trainer(plan(spec().shape(2, 1, 0).cpu("4").build()));

      assertThat(trainer.getResources().getLimits()).containsOnlyKeys("cpu");
      assertThat(trainer.getResources().getRequests()).containsOnlyKeys("cpu");
    }

    @Test
    void shouldLeaveResourcesOutWhenNoneAreGiven() {
      assertThat(trainer(plan(spec().build())).getResources()).isNull();
    }

    @Test
    void shouldPlaceAndAuthenticatePodsAsTheSpecSays() {
      TrainingPlan plan =
          plan(
              spec()
                  .nodeSelector(Map.of("pool", "h100"))
                  .tolerations(new TrainingSpec.Toleration("gpu", "Equal", "yes", "NoSchedule"))
                  .serviceAccount("trainer")
                  .imagePullSecrets("registry")
                  .volumes(new TrainingSpec.VolumeMount("data", "data-pvc", "/data", true))
                  .build());
      PodSpec pod = pod(plan);

      SoftAssertions.assertSoftly(
          softly -> {
            softly
                .assertThat(pod.getNodeSelector())
                .containsExactlyEntriesOf(Map.of("pool", "h100"));
            softly
                .assertThat(pod.getTolerations())
                .singleElement()
                .satisfies(
                    toleration -> {
                      assertThat(toleration.getKey()).isEqualTo("gpu");
                      assertThat(toleration.getOperator()).isEqualTo("Equal");
                      assertThat(toleration.getValue()).isEqualTo("yes");
                      assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
                    });
            softly.assertThat(pod.getServiceAccountName()).isEqualTo("trainer");
            softly
                .assertThat(pod.getImagePullSecrets())
                .extracting("name")
                .containsExactly("registry");
            softly
                .assertThat(volume(plan, "data").getPersistentVolumeClaim().getClaimName())
                .isEqualTo("data-pvc");
            softly
                .assertThat(trainer(plan).getVolumeMounts())
                .filteredOn(mount -> mount.getName().equals("data"))
                .singleElement()
                .satisfies(
                    mount -> {
                      assertThat(mount.getMountPath()).isEqualTo("/data");
                      assertThat(mount.getReadOnly()).isTrue();
                    });
            softly.assertThat(pod.getEnableServiceLinks()).isFalse();
          });
    }

    @Test
    void shouldRefuseVolumesThatCollide() {
      assertThatThrownBy(
              () ->
                  plan(
                      spec()
                          .volumes(
                              new TrainingSpec.VolumeMount("data", "a", "/data", false),
                              new TrainingSpec.VolumeMount("data", "b", "/other", false))
                          .build()))
          .hasMessageContaining("volume name 'data' is used twice");
      assertThatThrownBy(
              () ->
                  plan(
                      spec()
                          .volumes(new TrainingSpec.VolumeMount("shm", "a", "/dev/shm/", false))
                          .build()))
          .hasMessageContaining("mounts at /dev/shm/, which is already taken");
    }

    private static Volume volume(TrainingPlan plan, String name) {
      return pod(plan).getVolumes().stream()
          .filter(volume -> volume.getName().equals(name))
          .findFirst()
          .orElseThrow();
    }
  }

  @Nested
  class JobPolicy {
    @Test
    void shouldRunOneIndexedPodPerNodeThatIsNeverRestartedInPlace() {
      JobSpec job = plan(spec().shape(4, 1, 0).build()).job().getSpec();

      assertThat(job.getCompletionMode()).isEqualTo("Indexed");
      assertThat(job.getCompletions()).isEqualTo(4);
      assertThat(job.getParallelism()).isEqualTo(4);
      assertThat(job.getPodReplacementPolicy()).isEqualTo("Failed");
      assertThat(job.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void shouldFitTheWholeRestartBudgetOfTheGroupInTheBackoffLimit() {
      assertThat(
              plan(spec().shape(4, 1, 0).maxRestarts(3).build()).job().getSpec().getBackoffLimit())
          .isEqualTo(12);
      assertThat(plan(spec().shape(4, 1, 0).build()).job().getSpec().getBackoffLimit()).isZero();
    }

    @Test
    void shouldIgnoreDisruptionsAndFailAtOnceOnExitCodesThatMeanABug() {
      List<PodFailurePolicyRule> rules =
          plan(spec().build()).job().getSpec().getPodFailurePolicy().getRules();

      assertThat(rules).hasSize(2);
      assertThat(rules.get(0).getAction()).isEqualTo("Ignore");
      assertThat(rules.get(0).getOnPodConditions())
          .singleElement()
          .satisfies(
              condition -> {
                assertThat(condition.getType()).isEqualTo("DisruptionTarget");
                assertThat(condition.getStatus()).isEqualTo("True");
              });
      assertThat(rules.get(1).getAction()).isEqualTo("FailJob");
      assertThat(rules.get(1).getOnExitCodes().getContainerName()).isEqualTo("trainer");
      assertThat(rules.get(1).getOnExitCodes().getOperator()).isEqualTo("In");
      List<Integer> codes = rules.get(1).getOnExitCodes().getValues();
      assertThat(codes)
          .contains(2, 3, 42, 126, 127, 128)
          .doesNotContain(0, 1, 75, 130, 134, 137, 139, 143)
          .isSorted()
          .doesNotHaveDuplicates()
          .hasSizeLessThanOrEqualTo(255);
    }

    @Test
    void shouldStopTheRunAtItsTimeout() {
      assertThat(
              plan(spec().timeout(Duration.ofMinutes(90)).build())
                  .job()
                  .getSpec()
                  .getActiveDeadlineSeconds())
          .isEqualTo(5400L);
      assertThat(
              plan(spec().timeout(Duration.ofMillis(1500)).build())
                  .job()
                  .getSpec()
                  .getActiveDeadlineSeconds())
          .isEqualTo(2L);
    }

    @Test
    void shouldKeepFailedRunsLongerWhenAsked() {
      assertThat(plan(spec().build()).job().getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
      assertThat(
              plan(spec().keepOnFailure(true).build()).job().getSpec().getTtlSecondsAfterFinished())
          .isEqualTo(7 * 24 * 3600);
    }

    @Test
    void shouldRecordTheShapeOfTheSpecInAnnotations() {
      assertThat(
              plan(spec().shape(4, 8, 8).maxRestarts(2).build())
                  .job()
                  .getMetadata()
                  .getAnnotations())
          .containsEntry("autoglm.io/nodes", "4")
          .containsEntry("autoglm.io/procs-per-node", "8")
          .containsEntry("autoglm.io/gpus-per-node", "8")
          .containsEntry("autoglm.io/world-size", "32")
          .containsEntry("autoglm.io/max-restarts", "2");
    }

    @Test
    void shouldGiveRankZeroAStableNameThroughAHeadlessService() {
      TrainingPlan plan = plan(spec().masterPort(23456).build());

      assertThat(pod(plan).getSubdomain()).isEqualTo(plan.service().getMetadata().getName());
      assertThat(plan.service().getSpec().getClusterIP()).isEqualTo("None");
      assertThat(plan.service().getSpec().getPublishNotReadyAddresses()).isTrue();
      assertThat(plan.service().getSpec().getPorts())
          .singleElement()
          .satisfies(port -> assertThat(port.getPort()).isEqualTo(23456));
      assertThat(plan.job().getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(plan.service().getSpec().getSelector());
      assertThat(plan.service().getSpec().getSelector()).containsEntry(TrainingLabels.RUN, RUN_ID);
    }
  }

  @Nested
  class Labels {
    @Test
    void shouldLabelEveryObjectAndThePodsWithTheRun() {
      TrainingPlan plan = plan(spec().name("llama-ft").build(), Map.of("train.yaml", "a: 1\n"));
      Map<String, String> labels = TrainingLabels.of("llama-ft", RUN_ID);

      assertThat(plan.objects()).hasSize(3);
      for (HasMetadata object : plan.objects()) {
        assertThat(object.getMetadata().getLabels())
            .as(object.getKind())
            .containsAllEntriesOf(labels);
        assertThat(object.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
      }
      assertThat(plan.job().getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(labels);
      assertThat(plan.runId()).isEqualTo(RUN_ID);
      assertThat(plan.namespace()).isEqualTo(NAMESPACE);
    }

    @Test
    void shouldQueueOnKueueBySuspendedJobAndLabel() {
      TrainingPlan plan = plan(spec().queue(TrainingSpec.Queue.Kind.KUEUE, "team-a").build());

      assertThat(plan.job().getMetadata().getLabels())
          .containsEntry("kueue.x-k8s.io/queue-name", "team-a");
      assertThat(plan.job().getSpec().getSuspend()).isTrue();
      assertThat(pod(plan).getSchedulerName()).isNull();
    }

    @Test
    void shouldGangScheduleOnVolcanoWithAPodGroupOfAllNodes() {
      TrainingPlan plan =
          plan(spec().shape(4, 1, 1).queue(TrainingSpec.Queue.Kind.VOLCANO, "research").build());

      assertThat(pod(plan).getSchedulerName()).isEqualTo("volcano");
      assertThat(plan.job().getMetadata().getAnnotations())
          .containsEntry("scheduling.volcano.sh/group-min-member", "4");
      assertThat(plan.job().getSpec().getTemplate().getMetadata().getAnnotations())
          .containsEntry("scheduling.volcano.sh/queue-name", "research")
          .doesNotContainKey("scheduling.k8s.io/group-name");
      assertThat(plan.job().getSpec().getSuspend()).isNull();
      assertThat(plan.job().getMetadata().getLabels())
          .doesNotContainKey("kueue.x-k8s.io/queue-name");
    }

    @Test
    void shouldScheduleNormallyWithoutAQueue() {
      TrainingPlan plan = plan(spec().build());

      assertThat(plan.job().getSpec().getSuspend()).isNull();
      assertThat(pod(plan).getSchedulerName()).isNull();
      assertThat(plan.job().getSpec().getTemplate().getMetadata().getAnnotations()).isEmpty();
    }
  }

  @Nested
  class Configs {
    @Test
    void shouldPlanNoConfigMapWithoutConfigs() {
      TrainingPlan plan = plan(spec().build());

      assertThat(plan.configMap()).isNull();
      assertThat(plan.objects()).extracting(HasMetadata::getKind).containsExactly("Service", "Job");
      assertThat(pod(plan).getVolumes()).extracting(Volume::getName).containsExactly("autoglm-shm");
      assertThat(trainer(plan).getEnv())
          .extracting(EnvVar::getName)
          .doesNotContain("AUTOGLM_CONFIG_DIR");
    }

    @Test
    void shouldMountTheRenderedConfigsReadOnly() {
      TrainingPlan plan = plan(spec().build(), Map.of("train.yaml", "lr: 0.1\n"));

      assertThat(plan.configMap().getData())
          .containsExactlyEntriesOf(Map.of("train.yaml", "lr: 0.1\n"));
      assertThat(plan.configMap().getImmutable()).isTrue();
      assertThat(plan.objects())
          .extracting(HasMetadata::getKind)
          .containsExactly("ConfigMap", "Service", "Job");
      assertThat(trainer(plan).getVolumeMounts())
          .filteredOn(mount -> mount.getMountPath().equals("/etc/autoglm/configs"))
          .singleElement()
          .satisfies(mount -> assertThat(mount.getReadOnly()).isTrue());
      assertThat(kubeletEnvironment(trainer(plan), 0))
          .containsEntry("AUTOGLM_CONFIG_DIR", "/etc/autoglm/configs");
      assertThat(pod(plan).getVolumes())
          .filteredOn(volume -> volume.getConfigMap() != null)
          .singleElement()
          .satisfies(
              volume -> {
                assertThat(volume.getConfigMap().getName())
                    .isEqualTo(plan.configMap().getMetadata().getName());
                assertThat(volume.getConfigMap().getItems()).isEmpty();
              });
    }

    @Test
    void shouldPutNestedConfigsBackAtTheirRelativePaths() {
      Map<String, String> configs = new LinkedHashMap<>();
      configs.put("model/lora.yaml", "r: 16\n");
      configs.put("model_lora.yaml", "clash: true\n");
      configs.put("train.yaml", "lr: 0.1\n");
      TrainingPlan plan = plan(spec().build(), configs);

      Map<String, String> data = plan.configMap().getData();
      assertThat(data).hasSize(3).containsEntry("model_lora.yaml", "clash: true\n");
      assertThat(pod(plan).getVolumes())
          .filteredOn(volume -> volume.getConfigMap() != null)
          .singleElement()
          .satisfies(
              volume ->
                  assertThat(volume.getConfigMap().getItems())
                      .allSatisfy(
                          item ->
                              assertThat(data.get(item.getKey()))
                                  .isEqualTo(configs.get(item.getPath())))
                      .extracting("path")
                      .containsExactlyInAnyOrder(
                          "model/lora.yaml", "model_lora.yaml", "train.yaml"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "/etc/passwd", "a//b.yaml", "..data", "a/./b", ""})
    void shouldRefuseConfigNamesThatLeaveTheDirectory(String name) {
      assertThatThrownBy(() -> plan(spec().build(), Map.of(name, "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("rendered config name");
    }

    @Test
    void shouldRefuseConfigsTooLargeForAConfigMap() {
      String big = "x".repeat(ConfigMapFiles.MAX_BYTES);

      assertThatThrownBy(() -> plan(spec().build(), Map.of("big.yaml", big)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("more than the 1048576 a ConfigMap holds");
    }
  }

  @Nested
  class Validation {
    @Test
    void shouldRequireAnImage() {
      assertThatThrownBy(() -> plan(spec().image(null).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("training.image is required");
    }

    @Test
    void shouldRefuseANamespaceOrRunIdKubernetesWouldReject() {
      TrainingSpec spec = spec().build();

      assertThatThrownBy(() -> planner.plan(spec, "ML_Team", RUN_ID, Map.of()))
          .hasMessageContaining("namespace 'ML_Team' is not a DNS-1123 label");
      assertThatThrownBy(() -> planner.plan(spec, NAMESPACE, "run id!", Map.of()))
          .hasMessageContaining("run id 'run id!' is not a label value");
      assertThatThrownBy(() -> planner.plan(spec, NAMESPACE, "r".repeat(64), Map.of()))
          .hasMessageContaining("is not a label value");
    }

    @Test
    void shouldRefuseAShapeKubernetesCannotRun() {
      assertThatThrownBy(() -> plan(spec().shape(0, 1, 0).build()))
          .hasMessageContaining("training.nodes must be between 1 and 100000");
      assertThatThrownBy(() -> plan(spec().shape(1, 0, 0).build()))
          .hasMessageContaining("training.procsPerNode must be at least 1");
      assertThatThrownBy(() -> plan(spec().timeout(Duration.ZERO).build()))
          .hasMessageContaining("training.timeout must be positive");
    }

    @Test
    void shouldRefuseQuantitiesAndTolerationsKubernetesWouldReject() {
      assertThatThrownBy(() -> plan(spec().memory("64 GB").build()))
          .hasMessageContaining("training.memory '64 GB' is not a Kubernetes quantity");
      assertThatThrownBy(() -> plan(spec().shmSize("0").build()))
          .hasMessageContaining("training.shmSize '0' must be more than zero");
      assertThatThrownBy(
              () ->
                  plan(
                      spec()
                          .tolerations(new TrainingSpec.Toleration("gpu", "Exists", "x", null))
                          .build()))
          .hasMessageContaining("operator Exists and a value");
    }

    @Test
    void shouldNameEveryProblemAtOnce() {
      assertThatThrownBy(
              () -> planner.plan(spec().image(" ").command().build(), "Bad", RUN_ID, Map.of()))
          .hasMessageContainingAll("namespace 'Bad'", "training.image", "training.command");
    }
  }

  @Nested
  class Manifests {
    @Test
    void shouldKeepStringsThatLookLikeOtherTypesStrings() {
      Map<String, String> env = new LinkedHashMap<>();
      for (String value :
          List.of(
              "yes", "no", "on", "off", "true", "null", "~", "0755", "1e3", "0x1F", "1_000", "")) {
        env.put("V" + env.size(), value);
      }
      String yaml = KubernetesManifests.yaml(plan(spec().env(env).build()));

      List<Object> documents = new ArrayList<>();
      new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()))
          .loadAll(yaml)
          .forEach(documents::add);
      Map<String, Object> values = new LinkedHashMap<>();
      Object job = documents.get(documents.size() - 1);
      for (Object variable : envOf(job)) {
        Map<?, ?> entry = (Map<?, ?>) variable;
        values.put((String) entry.get("name"), entry.get("value"));
      }
      env.forEach((name, value) -> assertThat(values.get(name)).as(name).isEqualTo(value));
    }

    @Test
    void shouldWriteEveryObjectAsADocumentWithItsKind() {
      String yaml = KubernetesManifests.yaml(plan(spec().build(), Map.of("train.yaml", "a: 1\n")));

      assertThat(yaml)
          .startsWith("---\n")
          .endsWith("\n")
          .doesNotContainPattern("(?m)^status:")
          .doesNotContain("null", "{}", "[]");
      assertThat(yaml.split("(?m)^---$")).hasSize(4);
      assertThat(yaml).contains("kind: \"ConfigMap\"", "kind: \"Service\"", "kind: \"Job\"");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> envOf(Object job) {
      Map<String, Object> root = (Map<String, Object>) job;
      Map<String, Object> spec = (Map<String, Object>) root.get("spec");
      Map<String, Object> template = (Map<String, Object>) spec.get("template");
      Map<String, Object> podSpec = (Map<String, Object>) template.get("spec");
      List<Object> containers = (List<Object>) podSpec.get("containers");
      return (List<Object>) ((Map<String, Object>) containers.get(0)).get("env");
    }
  }

  @Test
  void shouldMakeACreatedJobTheOwnerOfItsServiceAndConfigMap() {
    Job created =
        new JobBuilder(plan(spec().build()).job())
            .withMetadata(
                new ObjectMetaBuilder(plan(spec().build()).job().getMetadata())
                    .withUid("0f3c6a4e-1111-2222-3333-444455556666")
                    .build())
            .build();

    OwnerReference owner = KubernetesPlanner.ownerReference(created);

    assertThat(owner.getApiVersion()).isEqualTo("batch/v1");
    assertThat(owner.getKind()).isEqualTo("Job");
    assertThat(owner.getName()).isEqualTo(created.getMetadata().getName());
    assertThat(owner.getUid()).isEqualTo("0f3c6a4e-1111-2222-3333-444455556666");
    assertThatThrownBy(() -> KubernetesPlanner.ownerReference(plan(spec().build()).job()))
        .hasMessageContaining("create it first");
  }

  /**
   * The environment a container sees, resolved the way the kubelet does: the completion index from
   * the pod's annotation, then each variable's {@code $(NAME)} references to variables defined
   * before it.
   */
  static Map<String, String> kubeletEnvironment(Container container, int completionIndex) {
    Map<String, String> resolved = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnv()) {
      if (variable.getValueFrom() != null) {
        assertThat(variable.getValueFrom().getFieldRef().getFieldPath())
            .isEqualTo(
                "metadata.annotations['" + TrainingLabels.COMPLETION_INDEX_ANNOTATION + "']");
        resolved.put(variable.getName(), Integer.toString(completionIndex));
      } else {
        resolved.put(variable.getName(), expand(variable.getValue(), resolved));
      }
    }
    return resolved;
  }

  /**
   * Kubernetes' {@code $(VAR)} expansion (k8s.io/kubernetes third_party/forked/golang/expansion).
   */
  static String expand(String input, Map<String, String> variables) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < input.length()) {
      char c = input.charAt(i);
      if (c != '$' || i + 1 == input.length()) {
        out.append(c);
        i++;
      } else if (input.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (input.charAt(i + 1) == '(') {
        int close = input.indexOf(')', i + 2);
        if (close < 0) {
          out.append("$(");
          i += 2;
        } else {
          String name = input.substring(i + 2, close);
          out.append(variables.getOrDefault(name, "$(" + name + ")"));
          i = close + 1;
        }
      } else {
        out.append('$').append(input.charAt(i + 1));
        i += 2;
      }
    }
    return out.toString();
  }

  @Test
  void shouldExpandLikeKubernetes() {
    Map<String, String> variables = Map.of("A", "1");
    assertThat(expand("$(A)", variables)).isEqualTo("1");
    assertThat(expand("$$(A)", variables)).isEqualTo("$(A)");
    assertThat(expand("$(B)", variables)).isEqualTo("$(B)");
    assertThat(expand("a$", variables)).isEqualTo("a$");
    assertThat(expand("$x", variables)).isEqualTo("$x");
    assertThat(
            IntStream.range(0, 3)
                .mapToObj(i -> KubernetesPlanner.literal("$(A)$$" + i))
                .map(text -> expand(text, variables)))
        .containsExactly("$(A)$$0", "$(A)$$1", "$(A)$$2");
  }
}
