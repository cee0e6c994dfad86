package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.domains.Domain;
import hudson.model.Result;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.openautoglm.training.kubernetes.TrainingLabels;

/**
 * autoglmTrain against fabric8's mock API server in CRUD mode, connected through a kubeconfig file
 * credential: the run's objects are created with the run's labels, and aborting the build deletes
 * them.
 */
@WithJenkins
class KubernetesTrainITest {
  private static final String NAMESPACE = "ml-team";

  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void startCluster() {
    server = new KubernetesMockServer(true);
    server.init();
    client = server.createClient();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
  }

  @AfterEach
  void stopCluster() {
    client.close();
    server.destroy();
  }

  private String kubeconfig() {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: mock, cluster: {server: '"
            + client.getMasterUrl()
            + "',"
            + " insecure-skip-tls-verify: true}}]",
        "users: [{name: robot, user: {token: not-a-real-token}}]",
        "contexts: [{name: mock, context: {cluster: mock, user: robot, namespace: "
            + NAMESPACE
            + "}}]",
        "current-context: mock",
        "");
  }

  @Test
  void shouldSubmitTheRunAndDeleteItWhenTheBuildIsAborted(JenkinsRule j) throws Exception {
    CredentialsProvider.lookupStores(j.jenkins)
        .iterator()
        .next()
        .addCredentials(
            Domain.global(),
            new FileCredentialsImpl(
                CredentialsScope.GLOBAL,
                "kubeconfig",
                "mock cluster",
                "kubeconfig",
                SecretBytes.fromRawBytes(kubeconfig().getBytes(StandardCharsets.UTF_8))));
    WorkflowJob job =
        TestProjects.job(
            j,
            "k8s",
            "node { autoglmTrain(project: 'k8s.yaml', kubeconfigCredentialsId: 'kubeconfig') }");
    j.jenkins
        .getWorkspaceFor(job)
        .child("k8s.yaml")
        .write(
            TestProjects.DESCRIPTOR
                .replace("name: demo", "name: demo-k8s")
                .replace(
                    "  procsPerNode: 2", "  procsPerNode: 1\n  gpusPerNode: 0\n  image: busybox"),
            "UTF-8");
    WorkflowRun run = job.scheduleBuild2(0).waitForStart();
    List<Job> jobs = List.of();
    for (int i = 0; i < 300 && jobs.isEmpty(); i++) {
      TimeUnit.MILLISECONDS.sleep(100);
      jobs = client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems();
    }
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).getMetadata().getLabels())
        .containsEntry(TrainingLabels.MANAGED_BY, TrainingLabels.MANAGED_BY_VALUE)
        .containsKey(TrainingLabels.RUN);
    j.waitForMessage("in namespace " + NAMESPACE, run);
    run.doStop();
    j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(run));
    for (int i = 0; i < 300 && !jobs.isEmpty(); i++) {
      TimeUnit.MILLISECONDS.sleep(100);
      jobs = client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems();
    }
    assertThat(jobs).as("stop deletes the workload").isEmpty();
  }
}
