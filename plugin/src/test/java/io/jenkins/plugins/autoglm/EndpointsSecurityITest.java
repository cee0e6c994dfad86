package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Result;
import hudson.security.csrf.CrumbIssuer;
import java.util.List;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Every POST endpoint, the dashboard API's ({@code autoglm/rest/...}, JSON bodies) and the older
 * ones (query parameters): GET refused, no permission refused, no crumb refused, API token accepted
 * without a crumb and the policy applied. And the dashboard API's reads, with the same JSON and
 * errors as the CLI server.
 */
@WithJenkins
class EndpointsSecurityITest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REASON = "{\"reason\": \"checked\"}";

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

  /** A POST endpoint; {@code json} is its body, or {@code null} when it takes query parameters. */
  private record Endpoint(String path, String json) {}

  private String api() {
    return run.getParent().getUrl() + "autoglm/rest/";
  }

  private List<Endpoint> endpoints() {
    String job = run.getParent().getUrl() + "autoglm/";
    String build = run.getUrl() + "autoglm/";
    String approval = "approvals/production:" + requestId() + "/";
    return List.of(
        new Endpoint(api() + "environments/dev/rollback", REASON),
        new Endpoint(api() + approval + "approve", REASON),
        new Endpoint(api() + approval + "reject", REASON),
        new Endpoint(job + "rollback?env=dev", null),
        new Endpoint(build + "approve?env=production&request=1", null),
        new Endpoint(build + "reject?env=production&request=1", null));
  }

  private WebResponse send(
      JenkinsRule.WebClient client, Endpoint endpoint, HttpMethod method, String[] crumb)
      throws Exception {
    client.setThrowExceptionOnFailingStatusCode(false);
    WebRequest request =
        new WebRequest(j.getURL().toURI().resolve(endpoint.path()).toURL(), method);
    if (method == HttpMethod.POST && endpoint.json() != null) {
      request.setAdditionalHeader("Content-Type", "application/json");
      request.setRequestBody(endpoint.json());
    }
    if (crumb != null) {
      request.setAdditionalHeader(crumb[0], crumb[1]);
    }
    return client.getPage(request).getWebResponse();
  }

  private int status(
      JenkinsRule.WebClient client, Endpoint endpoint, HttpMethod method, boolean crumb)
      throws Exception {
    return send(client, endpoint, method, crumb ? testCrumb() : null).getStatusCode();
  }

  private String[] testCrumb() {
    CrumbIssuer issuer = j.jenkins.getCrumbIssuer();
    return new String[] {
      issuer.getCrumbRequestField(), issuer.getCrumb((jakarta.servlet.ServletRequest) null)
    };
  }

  private JsonNode get(JenkinsRule.WebClient client, String path, int expected) throws Exception {
    WebResponse response = send(client, new Endpoint(path, null), HttpMethod.GET, null);
    assertThat(response.getStatusCode()).as(path).isEqualTo(expected);
    assertThat(response.getContentType()).as(path).isEqualTo("application/json");
    assertThat(response.getResponseHeaderValue("X-Content-Type-Options")).isEqualTo("nosniff");
    return JSON.readTree(response.getContentAsString());
  }

  @Test
  void shouldRefuseGet() throws Exception {
    for (Endpoint endpoint : endpoints()) {
      assertThat(status(j.createWebClient().login("dave"), endpoint, HttpMethod.GET, false))
          .as(endpoint.path())
          .isEqualTo(405);
    }
  }

  @Test
  void shouldRefuseUsersWithoutPermission() throws Exception {
    for (Endpoint endpoint : endpoints()) {
      assertThat(status(j.createWebClient().login("bob"), endpoint, HttpMethod.POST, true))
          .as(endpoint.path())
          .isEqualTo(403);
    }
    WebResponse refused =
        send(j.createWebClient().login("bob"), endpoints().get(0), HttpMethod.POST, testCrumb());
    assertThat(JSON.readTree(refused.getContentAsString()).path("error").asText())
        .contains("bob", "AutoGLM/Rollback");
  }

  @Test
  void shouldRequireACrumbFromABrowserSession() throws Exception {
    for (Endpoint endpoint : endpoints()) {
      assertThat(status(j.createWebClient().login("dave"), endpoint, HttpMethod.POST, false))
          .as(endpoint.path())
          .isEqualTo(403);
    }
  }

  @Test
  void shouldAcceptAnApiTokenWithoutACrumbAndApplyThePolicy() throws Exception {
    JenkinsRule.WebClient client = j.createWebClient().withBasicApiToken("dave");
    Endpoint approve =
        new Endpoint(run.getUrl() + "autoglm/approve?env=production&request=" + requestId(), null);
    assertThat(status(client, approve, HttpMethod.POST, false)).isEqualTo(200);
    JenkinsRule.WebClient requester = j.createWebClient().withBasicApiToken("alice");
    assertThat(status(requester, approve, HttpMethod.POST, false))
        .as("nobody approves their own request")
        .isEqualTo(403);
  }

  @Test
  void shouldAcceptAnApiTokenOnTheDashboardApiAndApplyThePolicy() throws Exception {
    String approval = api() + "approvals/production:" + requestId() + "/";
    JenkinsRule.WebClient alice = j.createWebClient().withBasicApiToken("alice");
    WebResponse own =
        send(alice, new Endpoint(approval + "approve", REASON), HttpMethod.POST, null);
    assertThat(own.getStatusCode()).as("nobody approves their own request").isEqualTo(403);
    assertThat(JSON.readTree(own.getContentAsString()).path("error").asText()).isNotEmpty();

    JenkinsRule.WebClient dave = j.createWebClient().withBasicApiToken("dave");
    WebResponse approved =
        send(dave, new Endpoint(approval + "approve", REASON), HttpMethod.POST, null);
    assertThat(approved.getStatusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(approved.getContentAsString());
    assertThat(body.path("outcome").asText()).isEqualTo("done");
    assertThat(body.path("message").asText()).contains("dave approved");

    WebResponse again =
        send(dave, new Endpoint(approval + "reject", REASON), HttpMethod.POST, null);
    assertThat(again.getStatusCode()).as("the request is no longer open").isEqualTo(409);

    // dev has one verified snapshot only: nothing to roll back to, said as a conflict
    WebResponse rollback =
        send(
            dave, new Endpoint(api() + "environments/dev/rollback", REASON), HttpMethod.POST, null);
    assertThat(rollback.getStatusCode()).isEqualTo(409);
    assertThat(JSON.readTree(rollback.getContentAsString()).path("error").asText()).contains("dev");

    Endpoint noReason = new Endpoint(api() + "environments/dev/rollback", "{}");
    assertThat(status(dave, noReason, HttpMethod.POST, false)).isEqualTo(400);
    Endpoint unknown = new Endpoint(api() + "environments/nowhere/rollback", REASON);
    assertThat(status(dave, unknown, HttpMethod.POST, false)).isEqualTo(404);
    Endpoint missing = new Endpoint(api() + "approvals/production:999/approve", REASON);
    assertThat(status(dave, missing, HttpMethod.POST, false)).isEqualTo(404);
    Endpoint malformed = new Endpoint(api() + "approvals/production/approve", REASON);
    assertThat(status(dave, malformed, HttpMethod.POST, false)).isEqualTo(400);
  }

  @Test
  void shouldLetTheCrumbOnTheAppPageAuthorizeTheAppsPosts() throws Exception {
    JenkinsRule.WebClient dave = j.createWebClient().login("dave");
    dave.getOptions().setJavaScriptEnabled(false);
    HtmlPage page = dave.goTo(run.getParent().getUrl() + "autoglm/");
    String header = meta(page, "crumb-header");
    String crumb = meta(page, "crumb");
    assertThat(header).isEqualTo(j.jenkins.getCrumbIssuer().getCrumbRequestField());
    Endpoint approve =
        new Endpoint(api() + "approvals/production:" + requestId() + "/approve", REASON);
    WebResponse response = send(dave, approve, HttpMethod.POST, new String[] {header, crumb});
    assertThat(response.getStatusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswerTheDashboardsReadsToAnyoneWhoMayReadTheJob() throws Exception {
    JenkinsRule.WebClient bob = j.createWebClient().login("bob");
    assertThat(get(bob, api() + "project", 200).path("name").asText()).isEqualTo("demo");
    JsonNode runs = get(bob, api() + "runs?limit=1&offset=0", 200);
    assertThat(runs.path("items")).hasSize(1);
    String id = runs.path("items").get(0).path("id").asText();
    assertThat(get(bob, api() + "runs/" + id, 200).path("id").asText()).isEqualTo(id);
    assertThat(get(bob, api() + "environments/dev/history?limit=5", 200).path("items"))
        .isNotEmpty();

    assertThat(get(bob, api() + "runs/20000101-000000-000000", 404).path("error").asText())
        .contains("no run");
    assertThat(get(bob, api() + "environments/nowhere/history", 404).path("error").asText())
        .contains("dev, production");
    assertThat(get(bob, api() + "runs?limit=0", 400).path("error").asText())
        .contains("limit must be between 1 and 200");
    assertThat(get(bob, api() + "nothing", 404).path("error").asText()).contains("no API endpoint");

    // bob is a researcher (the policy lets him roll dev back) without AutoGLM/Rollback in Jenkins
    JsonNode session = get(bob, api() + "session", 200);
    assertThat(session.path("user").asText()).isEqualTo("bob");
    assertThat(session.path("environments").path("dev").path("rollback").asBoolean()).isFalse();
    assertThat(session.path("approvals").path("production:" + requestId()).asBoolean()).isFalse();
    JsonNode daves = get(j.createWebClient().login("dave"), api() + "session", 200);
    assertThat(daves.path("approvals").path("production:" + requestId()).asBoolean()).isTrue();
  }

  static String meta(HtmlPage page, String name) {
    return page.getDocumentElement()
        .getElementsByAttribute("meta", "name", "autoglm-" + name)
        .get(0)
        .getAttribute("content");
  }

  private String requestId() {
    return run.getAction(AutoglmRunAction.class).getRuns().stream()
        .map(AutoglmRunAction.RunView::getPendingRequest)
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElseThrow();
  }
}
