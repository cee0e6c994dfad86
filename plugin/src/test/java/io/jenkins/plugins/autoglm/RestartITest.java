package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Result;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/** A promotion waiting for approval survives a restart and goes on once approved. */
class RestartITest {
  @RegisterExtension private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

  @Test
  void shouldResumeAWaitingPromotionAfterARestart() throws Throwable {
    sessions.then(
        j -> {
          TestProjects.secure(j);
          WorkflowJob job =
              TestProjects.job(
                  j,
                  "restart",
                  "def v\n"
                      + "node { v = autoglmRegister(artifact: 'model-1.bin');"
                      + " autoglmPromote(env: 'dev', version: v.version) }\n"
                      + "def p = autoglmPromote(env: 'production', version: v.version,"
                      + " pollSeconds: 5)\n"
                      + "echo \"promoted ${p.outcome}\"");
          WorkflowRun run =
              job.scheduleBuild2(0, new CauseAction(new Cause.UserIdCause("alice"))).waitForStart();
          j.waitForMessage("waiting for approval of request", run);
        });
    sessions.then(
        j -> {
          WorkflowJob job = j.jenkins.getItemByFullName("restart", WorkflowJob.class);
          WorkflowRun run = job.getBuildByNumber(1);
          assertThat(run.isBuilding()).isTrue();
          String request =
              run.getAction(AutoglmRunAction.class).getRuns().stream()
                  .map(AutoglmRunAction.RunView::getPendingRequest)
                  .filter(java.util.Objects::nonNull)
                  .findFirst()
                  .orElseThrow();
          JenkinsRule.WebClient dave = j.createWebClient().withBasicApiToken("dave");
          dave.getPage(
              new WebRequest(
                  j.getURL()
                      .toURI()
                      .resolve(run.getUrl() + "autoglm/approve?env=production&request=" + request)
                      .toURL(),
                  HttpMethod.POST));
          j.assertBuildStatus(Result.SUCCESS, j.waitForCompletion(run));
          j.assertLogContains("promoted DONE", run);
        });
  }

  @Test
  void shouldFailALocalTrainingRunInterruptedByARestartWithAClearMessage() throws Throwable {
    sessions.then(
        j -> {
          WorkflowJob job =
              TestProjects.job(
                  j,
                  "train-restart",
                  "node { autoglmTrain(backend: 'local', command: ['sleep', '60']) }");
          WorkflowRun run = job.scheduleBuild2(0).waitForStart();
          j.waitForMessage("starting 2 ranks", run);
        });
    sessions.then(
        j -> {
          WorkflowRun run =
              j.jenkins.getItemByFullName("train-restart", WorkflowJob.class).getBuildByNumber(1);
          j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(run));
          j.assertLogContains("local training cannot be resumed", run);
        });
  }
}
