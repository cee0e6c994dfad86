package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** User text on both pages (a reason, a message) is shown as text, never run as markup. */
@WithJenkins
class PagesXssITest {
  private static final String ATTACK = "<img src=x onerror=alert(1)>";

  @Test
  void shouldEscapeUserTextOnTheProjectAndRunPages(JenkinsRule j) throws Exception {
    TestProjects.secure(j);
    WorkflowJob job =
        TestProjects.job(
            j,
            "xss",
            "node { def v = autoglmRegister(artifact: 'model-1.bin');"
                + " autoglmPromote(env: 'dev', version: v.version, reason: '"
                + ATTACK
                + "') }");
    WorkflowRun run = TestProjects.runAs(j, job, "alice", Result.SUCCESS);
    JenkinsRule.WebClient client = j.createWebClient().login("alice");
    java.util.List<String> alerts = new java.util.ArrayList<>();
    client.setAlertHandler((page, message) -> alerts.add(message));
    HtmlPage runPage = client.goTo(run.getUrl() + "autoglm/");
    HtmlPage projectPage = client.goTo(job.getUrl() + "autoglm/");
    assertThat(runPage.getByXPath("//img[@src='x']")).isEmpty();
    assertThat(projectPage.getByXPath("//img[@src='x']")).isEmpty();
    assertThat(alerts).isEmpty();
  }
}
