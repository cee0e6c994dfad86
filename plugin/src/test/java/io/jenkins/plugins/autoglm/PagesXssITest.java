package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Result;
import java.util.ArrayList;
import java.util.List;
import org.htmlunit.Page;
import org.htmlunit.WebResponse;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * User text (a reason, a message) never reaches the pages as markup. The AutoGLM pages are the
 * dashboard app: its HTML carries no data at all (only its settings, escaped by DashboardAssets),
 * and the data comes as JSON that the app puts in as text (textContent), served as {@code
 * application/json} with {@code nosniff} so that no browser renders it as a page. The app runs
 * under a Content-Security-Policy that allows no inline script.
 */
@WithJenkins
class PagesXssITest {
  private static final String ATTACK = "<img src=x onerror=alert(1)>";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldKeepUserTextOutOfTheProjectAndRunPages(JenkinsRule j) throws Exception {
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
    List<String> alerts = new ArrayList<>();
    client.setAlertHandler((page, message) -> alerts.add(message));
    // the app itself is tested in the dashboard module; here only what Jenkins serves
    client.getOptions().setJavaScriptEnabled(false);

    HtmlPage projectPage = client.goTo(job.getUrl() + "autoglm/");
    WebResponse html = projectPage.getWebResponse();
    assertThat(html.getContentAsString()).doesNotContain(ATTACK).doesNotContain("<img");
    assertThat(projectPage.getByXPath("//img[@src='x']")).isEmpty();
    assertThat(EndpointsSecurityITest.meta(projectPage, "api")).isEqualTo("rest");
    assertThat(EndpointsSecurityITest.meta(projectPage, "auth")).isEqualTo("session");
    assertThat(html.getResponseHeaderValue("Content-Security-Policy"))
        .contains("default-src 'self'")
        .doesNotContain("'unsafe-eval'");
    assertThat(html.getResponseHeaderValue("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(html.getResponseHeaderValue("Cache-Control")).isEqualTo("no-store");

    // the build's page opens the same app at the build's run
    String id = run.getAction(AutoglmRunAction.class).getRuns().get(0).getId();
    client.getOptions().setRedirectEnabled(false);
    client.setThrowExceptionOnFailingStatusCode(false);
    Page runPage = client.goTo(run.getUrl() + "autoglm/", null);
    assertThat(runPage.getWebResponse().getStatusCode()).isEqualTo(302);
    assertThat(runPage.getWebResponse().getResponseHeaderValue("Location"))
        .endsWith("/" + job.getUrl() + "autoglm/#/runs/" + id);

    // the reason is data: JSON, never sniffed as HTML
    Page history = client.goTo(job.getUrl() + "autoglm/rest/environments/dev/history", null);
    WebResponse json = history.getWebResponse();
    assertThat(json.getContentType()).isEqualTo("application/json");
    assertThat(json.getResponseHeaderValue("X-Content-Type-Options")).isEqualTo("nosniff");
    List<String> reasons = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(json.getContentAsString()).path("items")) {
      reasons.add(entry.path("reason").asText());
    }
    assertThat(reasons).contains(ATTACK);

    // the app's files, and nothing else from the classpath
    WebResponse script = client.goTo(job.getUrl() + "autoglm/assets/app.js", null).getWebResponse();
    assertThat(script.getStatusCode()).isEqualTo(200);
    assertThat(script.getContentType()).isEqualTo("text/javascript");
    assertThat(script.getResponseHeaderValue("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(script.getResponseHeaderValue("ETag")).isNotBlank();
    for (String other : List.of("assets/index.html", "assets/", "assets/Messages.properties")) {
      assertThat(
              client.goTo(job.getUrl() + "autoglm/" + other, null).getWebResponse().getStatusCode())
          .as(other)
          .isEqualTo(404);
    }
    assertThat(alerts).isEmpty();
  }
}
