package io.jenkins.plugins.autoglm;

import hudson.model.Result;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class PromotionStepsITest {
  private JenkinsRule j;

  @BeforeEach
  void secure(JenkinsRule rule) {
    j = rule;
    TestProjects.secure(j);
  }

  @Test
  void shouldRegisterPromoteAndRollBack() throws Exception {
    WorkflowJob job =
        TestProjects.job(
            j,
            "release",
            String.join(
                "\n",
                "node {",
                "  def v1 = autoglmRegister(artifact: 'model-1.bin', metrics: [loss: 0.4])",
                "  def v2 = autoglmRegister(artifact: 'model-2.bin')",
                "  echo \"registered ${v1.version} and ${v2.version}\"",
                "  autoglmPromote(env: 'dev', version: v1.version, reason: 'first')",
                "  def p = autoglmPromote(env: 'dev', version: v2.version)",
                "  echo \"promoted ${p.outcome} verified=${p.verified}\"",
                "  def back = autoglmRollback(env: 'dev', reason: 'loss went up')",
                "  echo \"rolled back to v${back.version}\"",
                "}"));
    WorkflowRun run = TestProjects.runAs(j, job, "alice", Result.SUCCESS);
    j.assertLogContains("registered 1 and 2", run);
    j.assertLogContains("promoted DONE verified=true", run);
    j.assertLogContains("rolled back to v1", run);
  }

  @Test
  void shouldRefuseAResearcherPromotingToProduction() throws Exception {
    WorkflowJob job =
        TestProjects.job(
            j,
            "denied",
            "node { def v = autoglmRegister(artifact: 'model-1.bin');"
                + " autoglmPromote(env: 'production', version: v.version) }");
    WorkflowRun run = TestProjects.runAs(j, job, "bob", Result.FAILURE);
    j.assertLogContains("lacks the permission AutoGLM/Promote", run);
  }

  @Test
  void shouldReturnTheOpenRequestWhenNotWaiting() throws Exception {
    WorkflowJob job =
        TestProjects.job(
            j,
            "request",
            "node { def v = autoglmRegister(artifact: 'model-1.bin'); autoglmPromote(env: 'dev',"
                + " version: v.version); def p = autoglmPromote(env: 'production', version:"
                + " v.version, waitForApproval: false); echo \"outcome=${p.outcome}"
                + " request=${p.requestId}\" }");
    WorkflowRun run = TestProjects.runAs(j, job, "alice", Result.SUCCESS);
    j.assertLogContains("outcome=WAITING_FOR_APPROVAL request=", run);
  }
}
