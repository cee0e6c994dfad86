package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Writes a plan as the YAML that {@code kubectl apply -f -} takes: one document per object, in
 * creation order, each with {@code apiVersion} and {@code kind} and nothing the server fills in (no
 * {@code status}, no nulls, no empty maps or lists).
 */
public final class KubernetesManifests {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private KubernetesManifests() {}

  /** All objects of the plan as one multi-document YAML stream. */
  public static String yaml(TrainingPlan plan) {
    StringBuilder yaml = new StringBuilder();
    for (HasMetadata object : plan.objects()) {
      yaml.append(yaml(object));
    }
    return yaml.toString();
  }

  /** One object as a YAML document that starts with {@code ---} and ends with a line break. */
  public static String yaml(HasMetadata object) {
    String document = SERIALIZATION.asYaml(object);
    if (!document.startsWith("---")) {
      document = "---\n" + document;
    }
    return document.endsWith("\n") ? document : document + "\n";
  }
}
