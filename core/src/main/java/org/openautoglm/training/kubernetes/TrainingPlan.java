package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes objects of one training run, in the order they are created: the rendered configs
 * (if any), the headless Service that names rank 0, and the Indexed Job.
 *
 * @param runId the run's id, also the value of the {@link TrainingLabels#RUN} label
 * @param configMap the rendered configs mounted into every pod, or {@code null}
 */
public record TrainingPlan(
    String runId, String namespace, ConfigMap configMap, Service service, Job job) {

  /** Every object, in creation order. */
  public List<HasMetadata> objects() {
    List<HasMetadata> objects = new ArrayList<>();
    if (configMap != null) {
      objects.add(configMap);
    }
    objects.add(service);
    objects.add(job);
    return objects;
  }
}
