package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class ValidateStepITest {
  @Test
  void shouldReturnASummaryAndWriteJunitForAValidProject(JenkinsRule j) throws Exception {
    WorkflowJob job =
        TestProjects.job(
            j,
            "valid",
            "node { def r = autoglmValidate(); echo \"valid=${r.valid} checks=${r.checks}\" }");
    WorkflowRun run = j.buildAndAssertSuccess(job);
    j.assertLogContains("valid=true checks=3", run);
    assertThat(j.jenkins.getWorkspaceFor(job).child("autoglm-validate.xml").exists()).isTrue();
  }

  @Test
  void shouldFailWithFileLineColumnErrors(JenkinsRule j) throws Exception {
    WorkflowJob job = TestProjects.job(j, "invalid", "node { autoglmValidate() }");
    TestProjects.write(j.jenkins.getWorkspaceFor(job), 9000);
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));
    j.assertLogContains(
        "configs/train.yaml:2:13: [production] /batch_size: must be ≤ 4096, found integer 9000"
            + " (value from",
        run);
  }

  @Test
  void shouldMarkUnstableWhenAskedNotToFail(JenkinsRule j) throws Exception {
    WorkflowJob job =
        TestProjects.job(
            j,
            "unstable",
            "node { def r = autoglmValidate(failOnError: false, env: 'production');"
                + " echo \"errors=${r.errors}\" }");
    TestProjects.write(j.jenkins.getWorkspaceFor(job), 9000);
    WorkflowRun run = j.assertBuildStatus(Result.UNSTABLE, job.scheduleBuild2(0));
    j.assertLogContains("errors=1", run);
  }

  @Test
  void shouldApplySetOverrides(JenkinsRule j) throws Exception {
    WorkflowJob job =
        TestProjects.job(j, "set", "node { autoglmValidate(env: 'dev', set: ['batch=100000']) }");
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));
    j.assertLogContains("(value from --set batch=100000)", run);
  }
}
