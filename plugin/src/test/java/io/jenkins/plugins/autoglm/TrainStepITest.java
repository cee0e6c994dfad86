package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class TrainStepITest {
  @Test
  void shouldRunEveryRankLocallyAndRecordMetrics(JenkinsRule j) throws Exception {
    WorkflowJob job =
        TestProjects.job(
            j,
            "train",
            "node { def r = autoglmTrain(backend: 'local', env: 'dev');"
                + " echo \"state=${r.state} ranks=${r.ranks.size()} loss=${r.metrics.loss}\" }");
    WorkflowRun run = j.buildAndAssertSuccess(job);
    j.assertLogContains("[rank 0] rank 0 of 2", run);
    j.assertLogContains("[rank 1] rank 1 of 2", run);
    j.assertLogContains("state=SUCCEEDED ranks=2 loss=0.5", run);
    AutoglmRunAction action = run.getAction(AutoglmRunAction.class);
    assertThat(action).isNotNull();
    assertThat(action.getRuns()).hasSize(1);
    assertThat(action.getRuns().get(0).getState()).isEqualTo("VERIFIED");
    assertThat(action.getRuns().get(0).getRanks()).isEqualTo(2);
  }

  @Test
  void shouldFailNamingTheFirstFailingRank(JenkinsRule j) throws Exception {
    WorkflowJob job =
        TestProjects.job(
            j,
            "fail",
            "node { autoglmTrain(backend: 'local', command: ['sh', '-c',"
                + " 'if [ \"$RANK\" = 1 ]; then exit 3; fi; sleep 30']) }");
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));
    j.assertLogContains("rank 1 exited with code 3", run);
  }

  @Test
  void shouldRefuseTrainingOnInvalidConfigs(JenkinsRule j) throws Exception {
    WorkflowJob job =
        TestProjects.job(
            j, "invalid", "node { autoglmTrain(backend: 'local', env: 'production') }");
    TestProjects.write(j.jenkins.getWorkspaceFor(job), 9000);
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));
    j.assertLogContains("/batch_size: must be ≤ 4096", run);
    j.assertLogNotContains("[rank 0]", run);
  }
}
