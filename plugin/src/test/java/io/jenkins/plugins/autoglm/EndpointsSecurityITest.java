package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Every POST endpoint: GET refused, no permission refused, no crumb refused, API token accepted.
 */
@WithJenkins
class EndpointsSecurityITest {
  private JenkinsRule j;
  private WorkflowRun run;

  @BeforeEach
  void build(JenkinsRule rule) throws Exception {
    j = rule;
    TestProjects.secure(j);
    WorkflowJob job =
        TestProjects.job(
            j,
            "endpoints",
            "node { def v = autoglmRegister(artifact: 'model-1.bin'); autoglmPromote(env: 'dev',"
                + " version: v.version); autoglmPromote(env: 'production', version: v.version,"
                + " waitForApproval: false) }");
    run = TestProjects.runAs(j, job, "alice", Result.SUCCESS);
  }

  private String[] endpoints() {
    String job = run.getParent().getUrl() + "autoglm/";
    String build = run.getUrl() + "autoglm/";
    return new String[] {
      job + "rollback?env=dev",
      build + "approve?env=production&request=1",
      build + "reject?env=production&request=1"
    };
  }

  private int status(JenkinsRule.WebClient client, String path, HttpMethod method, boolean crumb)
      throws Exception {
    client.setThrowExceptionOnFailingStatusCode(false);
    WebRequest request = new WebRequest(j.getURL().toURI().resolve(path).toURL(), method);
    if (crumb) {
      client.addCrumb(request);
    }
    Page page = client.getPage(request);
    return page.getWebResponse().getStatusCode();
  }

  @Test
  void shouldRefuseGet() throws Exception {
    for (String endpoint : endpoints()) {
      assertThat(status(j.createWebClient().login("dave"), endpoint, HttpMethod.GET, false))
          .as(endpoint)
          .isEqualTo(405);
    }
  }

  @Test
  void shouldRefuseUsersWithoutPermission() throws Exception {
    for (String endpoint : endpoints()) {
      assertThat(status(j.createWebClient().login("bob"), endpoint, HttpMethod.POST, true))
          .as(endpoint)
          .isEqualTo(403);
    }
  }

  @Test
  void shouldRequireACrumbFromABrowserSession() throws Exception {
    for (String endpoint : endpoints()) {
      assertThat(status(j.createWebClient().login("dave"), endpoint, HttpMethod.POST, false))
          .as(endpoint)
          .isEqualTo(403);
    }
  }

  @Test
  void shouldAcceptAnApiTokenWithoutACrumbAndApplyThePolicy() throws Exception {
    JenkinsRule.WebClient client = j.createWebClient().withBasicApiToken("dave");
    String approve = run.getUrl() + "autoglm/approve?env=production&request=" + requestId();
    assertThat(status(client, approve, HttpMethod.POST, false)).isEqualTo(200);
    JenkinsRule.WebClient requester = j.createWebClient().withBasicApiToken("alice");
    assertThat(status(requester, approve, HttpMethod.POST, false))
        .as("nobody approves their own request")
        .isEqualTo(403);
  }

  private String requestId() {
    return run.getAction(AutoglmRunAction.class).getRuns().stream()
        .map(AutoglmRunAction.RunView::getPendingRequest)
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElseThrow();
  }
}
