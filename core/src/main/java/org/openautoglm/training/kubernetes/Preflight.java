package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openautoglm.training.TrainingSpec;

/**
 * Checks a cluster before a run is submitted, so that a mistake is named at once instead of showing
 * as pods pending for an hour: the namespace exists, some node offers what one pod asks for (the
 * GPU resource and count, CPU and memory, on nodes matching the node selector), the queue, service
 * account, image pull secrets and volume claims exist.
 *
 * <p>A check the credentials may not make (reading nodes or namespaces is often forbidden to
 * researchers) is skipped, never reported as a problem. Clusters that add GPU nodes on demand
 * (cluster autoscaler, Karpenter) have no such node until a pod asks: there the node check is
 * wrong, and the pre-flight check should be switched off ({@link LauncherOptions#preflight()}).
 */
public final class Preflight {
  private static final ResourceDefinitionContext KUEUE_LOCAL_QUEUE =
      new ResourceDefinitionContext.Builder()
          .withGroup("kueue.x-k8s.io")
          .withVersion("v1beta1")
          .withKind("LocalQueue")
          .withPlural("localqueues")
          .withNamespaced(true)
          .build();

  private static final ResourceDefinitionContext VOLCANO_QUEUE =
      new ResourceDefinitionContext.Builder()
          .withGroup("scheduling.volcano.sh")
          .withVersion("v1beta1")
          .withKind("Queue")
          .withPlural("queues")
          .withNamespaced(false)
          .build();

  private Preflight() {}

  /**
   * Checks what a run needs.
   *
   * @return the problems found, each one sentence saying what is wrong and what to do; empty when
   *     the run can be submitted
   */
  public static List<String> check(KubernetesClient client, String namespace, TrainingSpec spec) {
    List<String> problems = new ArrayList<>();
    try {
      if (!namespaceExists(client, namespace)) {
        problems.add(
            "Namespace "
                + namespace
                + " does not exist; create it (kubectl create namespace "
                + namespace
                + ") or choose another namespace.");
        return problems; // everything else lives in the namespace
      }
      checkNodes(client, spec).ifPresent(problems::add);
      checkQueue(client, namespace, spec).ifPresent(problems::add);
      if (spec.serviceAccount() != null
          && missing(
              () ->
                  client
                      .serviceAccounts()
                      .inNamespace(namespace)
                      .withName(spec.serviceAccount())
                      .get())) {
        problems.add(
            "Service account "
                + spec.serviceAccount()
                + " does not exist in namespace "
                + namespace
                + "; create it or fix training.serviceAccount.");
      }
      for (String secret : spec.imagePullSecrets()) {
        if (missing(() -> client.secrets().inNamespace(namespace).withName(secret).get())) {
          problems.add(
              "Image pull secret "
                  + secret
                  + " does not exist in namespace "
                  + namespace
                  + "; create it or remove it from training.imagePullSecrets.");
        }
      }
      for (TrainingSpec.VolumeMount volume : spec.volumes()) {
        if (missing(
            () ->
                client
                    .persistentVolumeClaims()
                    .inNamespace(namespace)
                    .withName(volume.claim())
                    .get())) {
          problems.add(
              "Persistent volume claim "
                  + volume.claim()
                  + " (volume "
                  + volume.name()
                  + ") does not exist in namespace "
                  + namespace
                  + "; create it or fix training.volumes.");
        }
      }
    } catch (KubernetesClientException e) {
      problems.add(
          "Cannot reach the Kubernetes API at "
              + client.getMasterUrl()
              + " ("
              + KubernetesLauncher.message(e)
              + "); check KUBECONFIG, the context and the network.");
    }
    return problems;
  }

  private static boolean namespaceExists(KubernetesClient client, String namespace) {
    try {
      return client.namespaces().withName(namespace).get() != null;
    } catch (KubernetesClientException e) {
      if (isForbidden(e)) {
        return true; // may not read namespaces: the submission will tell
      }
      throw e;
    }
  }

  /** A named object is missing; a check we may not make counts as present. */
  private static boolean missing(java.util.function.Supplier<Object> get) {
    try {
      return get.get() == null;
    } catch (KubernetesClientException e) {
      if (isForbidden(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Some node matching the node selector offers everything one pod asks for. */
  private static Optional<String> checkNodes(KubernetesClient client, TrainingSpec spec) {
    Map<String, String> requests = new LinkedHashMap<>();
    if (spec.gpusPerNode() > 0) {
      requests.put(spec.gpuResource(), Integer.toString(spec.gpusPerNode()));
    }
    if (spec.cpu() != null) {
      requests.put("cpu", spec.cpu());
    }
    if (spec.memory() != null) {
      requests.put("memory", spec.memory());
    }
    if (requests.isEmpty()) {
      return Optional.empty();
    }
    List<Node> nodes;
    try {
      nodes = client.nodes().list().getItems();
    } catch (KubernetesClientException e) {
      if (isForbidden(e)) {
        return Optional.empty();
      }
      throw e;
    }
    String where =
        spec.nodeSelector().isEmpty() ? "" : " matching the node selector " + spec.nodeSelector();
    List<Node> candidates = new ArrayList<>();
    for (Node node : nodes) {
      Map<String, String> labels = node.getMetadata().getLabels();
      boolean matches =
          spec.nodeSelector().entrySet().stream()
              .allMatch(
                  entry -> labels != null && entry.getValue().equals(labels.get(entry.getKey())));
      if (matches
          && !Boolean.TRUE.equals(
              node.getSpec() == null ? null : node.getSpec().getUnschedulable())) {
        candidates.add(node);
      }
    }
    if (candidates.isEmpty()) {
      return Optional.of(
          "No schedulable node"
              + (where.isEmpty() ? "" : where)
              + " exists; "
              + (where.isEmpty()
                  ? "the cluster has no nodes to run on."
                  : "fix training.nodeSelector or label the GPU nodes."));
    }
    for (Map.Entry<String, String> request : requests.entrySet()) {
      BigDecimal wanted;
      try {
        wanted = amount(request.getValue());
      } catch (IllegalArgumentException e) {
        return Optional.of(
            "'"
                + request.getValue()
                + "' is not a Kubernetes quantity for "
                + request.getKey()
                + "; write it like 8, 500m, 64Gi.");
      }
      BigDecimal most = null;
      for (Node node : candidates) {
        Quantity offered = allocatable(node, request.getKey());
        if (offered != null) {
          BigDecimal amount = amount(offered);
          most = most == null || amount.compareTo(most) > 0 ? amount : most;
        }
      }
      if (most == null) {
        return Optional.of(
            "No node"
                + where
                + " offers the resource "
                + request.getKey()
                + "; check training.gpuResource (e.g. nvidia.com/gpu, amd.com/gpu) and that the"
                + " device plugin runs on the GPU nodes.");
      }
      if (most.compareTo(wanted) < 0) {
        return Optional.of(
            "No node"
                + where
                + " offers "
                + request.getValue()
                + " "
                + request.getKey()
                + " (the most any node has is "
                + most.stripTrailingZeros().toPlainString()
                + "); ask for less per node and use more nodes instead.");
      }
    }
    // each request fits somewhere; now one node must fit them all
    for (Node node : candidates) {
      boolean fits = true;
      for (Map.Entry<String, String> request : requests.entrySet()) {
        Quantity offered = allocatable(node, request.getKey());
        if (offered == null || amount(offered).compareTo(amount(request.getValue())) < 0) {
          fits = false;
          break;
        }
      }
      if (fits) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "No single node"
            + where
            + " offers all of "
            + requests
            + " at once; lower the CPU or memory request, or the GPUs per node.");
  }

  private static Quantity allocatable(Node node, String resource) {
    if (node.getStatus() == null) {
      return null;
    }
    Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
    if (allocatable == null || allocatable.get(resource) == null) {
      allocatable = node.getStatus().getCapacity();
    }
    return allocatable == null ? null : allocatable.get(resource);
  }

  private static BigDecimal amount(String quantity) {
    return amount(new Quantity(quantity));
  }

  private static BigDecimal amount(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity);
  }

  private static Optional<String> checkQueue(
      KubernetesClient client, String namespace, TrainingSpec spec) {
    TrainingSpec.Queue queue = spec.queue();
    if (queue == null) {
      return Optional.empty();
    }
    boolean kueue = queue.kind() == TrainingSpec.Queue.Kind.KUEUE;
    ResourceDefinitionContext context = kueue ? KUEUE_LOCAL_QUEUE : VOLCANO_QUEUE;
    GenericKubernetesResource found;
    try {
      var resources = client.genericKubernetesResources(context);
      found =
          kueue
              ? resources.inNamespace(namespace).withName(queue.name()).get()
              : resources.withName(queue.name()).get();
    } catch (KubernetesClientException e) {
      if (isForbidden(e)) {
        return Optional.empty();
      }
      throw e;
    }
    if (found != null) {
      return Optional.empty();
    }
    return Optional.of(
        kueue
            ? "Kueue LocalQueue "
                + queue.name()
                + " does not exist in namespace "
                + namespace
                + " (or Kueue is not installed); create it (kubectl get localqueue -n "
                + namespace
                + " lists the queues) or fix training.queue.name."
            : "Volcano queue "
                + queue.name()
                + " does not exist (or Volcano is not installed); kubectl get queue lists the"
                + " queues; fix training.queue.name.");
  }

  private static boolean isForbidden(KubernetesClientException e) {
    return e.getCode() == 401 || e.getCode() == 403;
  }
}
