package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class AutoglmBuildWrapperITest {
  private static final String SECRET = "s3cr$t-'pass\"word";

  @Test
  void shouldRenderConfigsExportVariablesAndMaskSecretsInEveryForm(JenkinsRule j) throws Exception {
    CredentialsProvider.lookupStores(j.jenkins)
        .iterator()
        .next()
        .addCredentials(
            Domain.global(),
            new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "registry", "registry login", "robot", SECRET));
    String base64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
    WorkflowJob job =
        TestProjects.job(
            j,
            "wrapped",
            String.join(
                "\n",
                "node {",
                "  withAutoglm(env: 'dev', registryCredentialsId: 'registry') {",
                "    echo \"env=${env.AUTOGLM_ENVIRONMENT} project=${env.AUTOGLM_PROJECT}\"",
                "    echo readFile(\"${env.AUTOGLM_CONFIG_DIR}/train.yaml\")",
                "    echo \"literal ${env.AUTOGLM_REGISTRY_PASSWORD}\"",
                "    echo 'base64 " + base64 + "'",
                "    writeFile file: 'dir.txt', text: env.AUTOGLM_CONFIG_DIR",
                "  }",
                "}"));
    WorkflowRun run = j.buildAndAssertSuccess(job);
    j.assertLogContains("env=dev project=demo", run);
    j.assertLogContains("batch_size: 16", run);
    j.assertLogContains("literal ****", run);
    j.assertLogContains("base64 ****", run);
    j.assertLogNotContains("word", run);
    j.assertLogNotContains(base64, run);
    String configDir = j.jenkins.getWorkspaceFor(job).child("dir.txt").readToString();
    assertThat(new hudson.FilePath(new java.io.File(configDir)).exists())
        .as("temporary configs are removed when the block ends")
        .isFalse();
  }

  @Test
  void shouldCloseTheRunRecordWhenTheBuildFails(JenkinsRule j) throws Exception {
    WorkflowJob job =
        TestProjects.job(j, "failing", "node { withAutoglm(env: 'dev') { error 'boom' } }");
    WorkflowRun run = j.assertBuildStatus(hudson.model.Result.FAILURE, job.scheduleBuild2(0));
    AutoglmRunAction action = run.getAction(AutoglmRunAction.class);
    assertThat(action.getRuns()).extracting(AutoglmRunAction.RunView::getState).contains("FAILED");
  }
}
