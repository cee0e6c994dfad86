package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.PromotionProject.ADMIN;
import static org.openautoglm.cli.PromotionProject.OTHER_ADMIN;
import static org.openautoglm.cli.PromotionProject.RESEARCHER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code register}, {@code promote}, {@code approve}, {@code rollback}, {@code history} and {@code
 * policy who-can} on a project of three environments, with real deploy commands and health checks
 * against a loopback server; see {@link PromotionProject}.
 */
@Timeout(120)
class PromotionCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private PromotionProject project;

  @BeforeEach
  void createProject() {
    project = PromotionProject.create(temp);
  }

  @AfterEach
  void stopHealthServer() {
    project.close();
  }

  // ---- register ----

  @Test
  void shouldRegisterALocalArtifactWithItsSha256AndNumberTheVersions() throws Exception {
    Path first = project.artifact("model-1.safetensors", "weights one");
    Path second = project.artifact("model-2.safetensors", "weights two");

    CliRun text = project.as(RESEARCHER, "register", "--artifact", first.toString());
    CliRun json =
        project.as(
            RESEARCHER,
            "register",
            "--artifact",
            second.toString(),
            "--format",
            "json",
            "--image",
            "ghcr.io/acme/sentiment-train:1.4.2",
            "--run",
            "run-7",
            "--metric",
            "accuracy=0.91",
            "--commit",
            "0a1b2c3");

    assertThat(text.exitCode()).as(text.transcript()).isZero();
    assertThat(text.out())
        .isEqualTo(
            "registered v1 ("
                + first.toUri()
                + ", sha256:"
                + sha256(first).substring(0, 12)
                + "…)\n");
    assertThat(json.exitCode()).as(json.transcript()).isZero();
    JsonNode version = JSON.readTree(json.out());
    assertThat(PromotionProject.fieldNames(version))
        .containsExactly(
            "schema",
            "number",
            "artifactUri",
            "sha256",
            "image",
            "configDigest",
            "trainingRunId",
            "metrics",
            "sourceCommit",
            "createdBy",
            "createdAt");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(version.get("number").asInt()).isEqualTo(2);
    softly.assertThat(version.get("artifactUri").asText()).isEqualTo(second.toUri().toString());
    softly.assertThat(version.get("sha256").asText()).isEqualTo(sha256(second));
    softly
        .assertThat(version.get("image").asText())
        .isEqualTo("ghcr.io/acme/sentiment-train:1.4.2");
    softly.assertThat(version.get("configDigest").asText()).matches("sha256:[0-9a-f]{64}");
    softly.assertThat(version.get("trainingRunId").asText()).isEqualTo("run-7");
    softly.assertThat(version.get("metrics").get("accuracy").asDouble()).isEqualTo(0.91);
    softly.assertThat(version.get("sourceCommit").asText()).isEqualTo("0a1b2c3");
    softly.assertThat(version.get("createdBy").asText()).isEqualTo(RESEARCHER);
    softly
        .assertThat(Instant.parse(version.get("createdAt").asText()))
        .isBetween(Instant.now().minusSeconds(60), Instant.now());
    softly.assertAll();
  }

  @Test
  void shouldRefuseASha256ThatDoesNotMatchTheLocalArtifact() throws Exception {
    Path artifact = project.artifact("model.safetensors", "weights");
    Path other = project.artifact("other.safetensors", "other weights");

    CliRun wrong =
        project.as(
            RESEARCHER, "register", "--artifact", artifact.toString(), "--sha256", sha256(other));
    CliRun right =
        project.as(
            RESEARCHER,
            "register",
            "--artifact",
            artifact.toString(),
            "--sha256",
            sha256(artifact).toUpperCase(java.util.Locale.ROOT));

    assertThat(wrong.exitCode()).as(wrong.transcript()).isEqualTo(2);
    assertThat(wrong.err())
        .isEqualTo(
            "autoglm: --sha256 "
                + sha256(other)
                + " does not match the artifact's "
                + sha256(artifact)
                + "\n");
    assertThat(right.exitCode()).as(right.transcript()).isZero();
    assertThat(right.out()).as("the refused artifact took no number").startsWith("registered v1 ");
  }

  @Test
  void shouldRequireTheSha256OfARemoteArtifact() {
    String uri = "s3://models/sentiment/model.safetensors";
    String digest = "ab".repeat(32);

    CliRun missing = project.as(RESEARCHER, "register", "--artifact", uri);
    CliRun malformed = project.as(RESEARCHER, "register", "--artifact", uri, "--sha256", "abc");
    CliRun given = project.as(RESEARCHER, "register", "--artifact", uri, "--sha256", digest);

    assertThat(missing.exitCode()).as(missing.transcript()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("autoglm: a remote artifact needs --sha256\n");
    assertThat(malformed.exitCode()).as(malformed.transcript()).isEqualTo(2);
    assertThat(malformed.err())
        .startsWith(
            "autoglm: the artifact's sha256 'abc' is not a SHA-256: expected 64 hex digits");
    assertThat(given.exitCode()).as(given.transcript()).isZero();
    assertThat(given.out()).isEqualTo("registered v1 (" + uri + ", sha256:abababababab…)\n");
  }

  // ---- promote ----

  @Test
  void shouldPromoteAResearchersVersionToDevAndVerifyIt() {
    int version = project.register("model.safetensors", "weights");

    CliRun run = project.as(RESEARCHER, "promote", "--env", "dev", "--version", "1");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.outLines())
        .contains("autoglm: deployed v1 to dev")
        .last()
        .isEqualTo("done: v1 is live and verified in dev");
    assertThat(project.deployedVersion("dev")).isEqualTo(version);
    assertThat(project.as(RESEARCHER, "history", "--env", "dev").outLines().get(0))
        .startsWith("dev: v1 (sha256:")
        .endsWith(" by bob, verified");
  }

  @Test
  void shouldRejectPromotionOfResearcherToProduction() {
    project.register("model.safetensors", "weights");
    project.promoted(RESEARCHER, "dev", 1);
    project.promoted(ADMIN, "staging", 1);

    CliRun run = project.as(RESEARCHER, "promote", "--env", "production", "--version", "1");

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(3);
    assertThat(run.out())
        .isEqualTo(
            "denied: bob (researcher) may promote to test, test-*, dev only; production can be"
                + " promoted by admin and needs 1 approval by admin\n");
    assertThat(project.deployedVersion("production")).isNull();
    assertThat(project.as(RESEARCHER, "history", "--env", "production").out())
        .isEqualTo("production: nothing promoted yet\n");
    JsonNode history = project.history("production", 20, 0);
    assertThat(history.get("current").isNull()).as("current of %s", history).isTrue();
    assertThat(history.get("entries")).isEmpty();
  }

  @Test
  void shouldRefuseStagingUntilTheVersionIsVerifiedInDev() {
    project.register("model.safetensors", "weights");

    CliRun early = project.as(ADMIN, "promote", "--env", "staging", "--version", "1");
    project.promoted(RESEARCHER, "dev", 1);
    CliRun after = project.as(ADMIN, "promote", "--env", "staging", "--version", "1");

    assertThat(early.exitCode()).as(early.transcript()).isEqualTo(3);
    assertThat(early.out())
        .matches(
            "denied: sha256:[0-9a-f]{12}… \\(v1\\) must be verified in dev before it is promoted"
                + " to staging; it is not verified in any environment yet, so promote it to dev"
                + " first\n");
    assertThat(after.exitCode()).as(after.transcript()).isZero();
    assertThat(after.outLines())
        .first()
        .asString()
        .endsWith("(v1) to staging as admin; it is verified in dev");
  }

  @Test
  void shouldPromoteToProductionOnlyAfterAnotherAdminApproves() {
    project.register("model.safetensors", "weights");
    project.promoted(RESEARCHER, "dev", 1);
    project.promoted(ADMIN, "staging", 1);

    CliRun request = project.as(ADMIN, "promote", "--env", "production", "--version", "1");
    String id = PromotionProject.requestId(request);
    CliRun again = project.as(ADMIN, "promote", "--env", "production", "--version", "1");
    CliRun own = project.as(ADMIN, "approve", "--env", "production", "--request", id);
    CliRun researcher = project.as(RESEARCHER, "approve", "--env", "production", "--request", id);
    CliRun approval = project.as(OTHER_ADMIN, "approve", "--env", "production", "--request", id);
    CliRun twice = project.as(OTHER_ADMIN, "approve", "--env", "production", "--request", id);
    Integer deployedBeforePromotion = project.deployedVersion("production");
    CliRun promotion = project.as(ADMIN, "promote", "--env", "production", "--version", "1");

    assertThat(request.exitCode()).as(request.transcript()).isEqualTo(5);
    assertThat(id).matches("\\d+");
    assertThat(request.outLines())
        .containsExactly(
            "waiting for approval: production needs 1 approval by admin other than alice for"
                + " "
                + snapshotOf(request)
                + " (v1); none counts yet, 1 more needed; approval requested (request "
                + id
                + ")",
            "request "
                + id
                + ": an approver runs autoglm approve --env production --request "
                + id);
    assertThat(again.exitCode()).as(again.transcript()).isEqualTo(5);
    assertThat(again.outLines().get(0)).endsWith("(request " + id + " is open)");
    assertThat(own.exitCode()).as(own.transcript()).isEqualTo(3);
    assertThat(own.out())
        .isEqualTo(
            "denied: alice cannot approve their own request; promotions to production need an"
                + " approval by another admin\n");
    assertThat(researcher.exitCode()).as(researcher.transcript()).isEqualTo(3);
    assertThat(researcher.out())
        .startsWith("denied: bob (researcher) may not approve promotions to any environment");
    assertThat(approval.exitCode()).as(approval.transcript()).isZero();
    assertThat(approval.out())
        .isEqualTo("done: dave approved v1 for production; the requester can now promote it\n");
    assertThat(twice.exitCode()).as(twice.transcript()).isEqualTo(3);
    assertThat(twice.out())
        .isEqualTo(
            "denied: dave has approved request " + id + " already; it needs another approver\n");
    assertThat(deployedBeforePromotion).isNull();
    assertThat(promotion.exitCode()).as(promotion.transcript()).isZero();
    assertThat(promotion.outLines())
        .first()
        .asString()
        .endsWith(
            "(v1) to production as admin; it is verified in staging and approved by dave (1"
                + " approval needed)");
    assertThat(promotion.outLines())
        .last()
        .isEqualTo("done: v1 is live and verified in production");
    assertThat(project.deployedVersion("production")).isEqualTo(1);
    JsonNode promote = project.history("production", 10, 0).get("entries").get(1);
    assertThat(promote.get("action").asText()).isEqualTo("promote");
    assertThat(promote.get("approvers")).extracting(JsonNode::asText).containsExactly("dave");
  }

  @Test
  void shouldRollBackAutomaticallyToTheLastVerifiedVersionWhenTheHealthCheckFails() {
    project.register("model-1.safetensors", "weights one");
    project.register("model-2.safetensors", "weights two");
    project.promoted(RESEARCHER, "dev", 1);
    project.makeUnhealthy("dev", 2);

    CliRun run = project.as(RESEARCHER, "promote", "--env", "dev", "--version", "2");

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(run.outLines())
        .contains("autoglm: deployed v2 to dev", "autoglm: deployed v1 to dev")
        .anySatisfy(line -> assertThat(line).startsWith("autoglm: rolling dev back to v1 "))
        .last()
        .asString()
        .matches(
            Pattern.quote(
                    "failed: v2 failed in dev: health check failed: GET "
                        + healthUrl("dev")
                        + " returned 503 after 2 attempts in ")
                + "\\d+\\.\\d s; rolled back to v1 in \\d+\\.\\d s; dev is verified");
    assertThat(project.deployedVersion("dev")).isEqualTo(1);
    JsonNode history = project.history("dev", 3, 0);
    assertThat(history.get("current").get("version").asInt()).isEqualTo(1);
    assertThat(history.get("current").get("verified").asBoolean()).isTrue();
    assertThat(history.get("entries"))
        .extracting(entry -> entry.get("action").asText() + " v" + entry.get("version").asInt())
        .containsExactly("verify v1", "rollback v1", "verify v2");
    assertThat(history.get("entries").get(1).get("reason").asText())
        .startsWith("automatic rollback after: health check failed: GET " + healthUrl("dev"));
    assertThat(history.get("entries").get(2).get("verified").asBoolean()).isFalse();
  }

  @Test
  void shouldSayTheEnvironmentRunsTheFailedVersionWhenThereIsNothingToRollBackTo() {
    project.register("model.safetensors", "weights");
    project.makeUnhealthy("dev", 1);

    CliRun run = project.as(RESEARCHER, "promote", "--env", "dev", "--version", "1");

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(run.outLines())
        .last()
        .asString()
        .startsWith("failed: v1 failed in dev: health check failed: ")
        .endsWith(
            "; there is no earlier verified snapshot to roll back to, so dev runs v1 unverified");
    assertThat(project.as(RESEARCHER, "history", "--env", "dev").outLines().get(0))
        .endsWith(" by bob, NOT verified");
  }

  // ---- rollback ----

  @Test
  void shouldLetOnlyAnAdminRollProductionBackToTheLastVerifiedVersion() {
    project.register("model-1.safetensors", "weights one");
    project.register("model-2.safetensors", "weights two");
    project.promoteToProduction(1);
    project.promoteToProduction(2);

    CliRun researcher = project.as(RESEARCHER, "rollback", "--env", "production");
    Integer deployedAfterRefusal = project.deployedVersion("production");
    CliRun admin =
        project.as(ADMIN, "rollback", "--env", "production", "--reason", "latency regression");

    assertThat(researcher.exitCode()).as(researcher.transcript()).isEqualTo(3);
    assertThat(researcher.out())
        .isEqualTo(
            "denied: bob (researcher) may roll back test, test-*, dev only; production can be"
                + " rolled back by admin\n");
    assertThat(deployedAfterRefusal).isEqualTo(2);
    assertThat(admin.exitCode()).as(admin.transcript()).isZero();
    assertThat(admin.outLines())
        .last()
        .asString()
        .matches("done: rolled back to v1 in \\d+\\.\\d s; production is verified");
    assertThat(project.deployedVersion("production")).isEqualTo(1);
    JsonNode entries = project.history("production", 2, 0).get("entries");
    assertThat(entries.get(1).get("action").asText()).isEqualTo("rollback");
    assertThat(entries.get(1).get("reason").asText()).isEqualTo("latency regression");
    assertThat(entries.get(0).get("reason").asText())
        .matches(
            "restored in \\d+\\.\\d s \\(health check passed: GET "
                + Pattern.quote(healthUrl("production"))
                + "\\)");
  }

  // ---- policy who-can ----

  @Test
  void shouldListWhoCanPromoteAVersionToProductionAndWhatTheyStillNeed() {
    project.register("model.safetensors", "weights");
    project.promoted(RESEARCHER, "dev", 1);

    CliRun afterDev =
        project.as(RESEARCHER, "policy", "who-can", "--env", "production", "--version", "1");
    project.promoted(ADMIN, "staging", 1);
    CliRun afterStaging =
        project.as(RESEARCHER, "policy", "who-can", "--env", "production", "--version", "1");
    CliRun dev = project.as(RESEARCHER, "policy", "who-can", "--env", "dev");
    CliRun rollback =
        project.as(RESEARCHER, "policy", "who-can", "--env", "production", "--action", "rollback");
    CliRun unregistered =
        project.as(RESEARCHER, "policy", "who-can", "--env", "production", "--version", "9");

    String v1 = "sha256:[0-9a-f]{12}… \\(v1\\)";
    assertThat(afterDev.exitCode()).as(afterDev.transcript()).isZero();
    assertThat(afterDev.outLines())
        .singleElement()
        .asString()
        .matches(
            "- admin \\(users alice, dave\\) can promote "
                + v1
                + " to production: verify it in staging first, then get 1 approval by admin other"
                + " than the requester");
    assertThat(afterStaging.outLines())
        .singleElement()
        .asString()
        .matches(
            "- admin \\(users alice, dave\\) can promote "
                + v1
                + " to production: get 1 approval by admin other than the requester");
    assertThat(dev.outLines())
        .containsExactly(
            "- admin (users alice, dave) can promote the snapshot to dev directly",
            "- researcher (user bob) can promote the snapshot to dev directly");
    assertThat(rollback.outLines())
        .containsExactly("- admin (users alice, dave) can roll back production directly");
    assertThat(unregistered.exitCode()).as(unregistered.transcript()).isEqualTo(2);
    assertThat(unregistered.err())
        .isEqualTo("autoglm: v9 is not registered; see autoglm register\n");
  }

  // ---- usage errors ----

  @Test
  void shouldRefuseAnEnvironmentTheProjectDoesNotDefine() {
    project.register("model.safetensors", "weights");
    String refusal =
        "autoglm: the project has no environment 'prod'; its environments: dev, staging,"
            + " production\n";

    CliRun promote = project.as(ADMIN, "promote", "--env", "prod", "--version", "1");
    CliRun rollback = project.as(ADMIN, "rollback", "--env", "prod");
    CliRun history = project.as(ADMIN, "history", "--env", "prod");
    CliRun whoCan = project.as(ADMIN, "policy", "who-can", "--env", "prod");
    CliRun approve = project.as(OTHER_ADMIN, "approve", "--env", "prod", "--request", "1");

    SoftAssertions softly = new SoftAssertions();
    for (CliRun run : List.of(promote, rollback, history, whoCan, approve)) {
      softly.assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
      softly.assertThat(run.out()).as(run.transcript()).isEmpty();
    }
    softly.assertThat(promote.err()).startsWith("autoglm: the project has no environment 'prod'");
    softly.assertThat(rollback.err()).startsWith("autoglm: the project has no environment 'prod'");
    softly.assertThat(history.err()).isEqualTo(refusal);
    softly.assertThat(whoCan.err()).isEqualTo(refusal);
    softly.assertThat(approve.err()).startsWith("autoglm: no approval request 1 in prod");
    softly.assertAll();
  }

  @Test
  void shouldRefuseToActWithoutKnowingWhoIsActing() throws Exception {
    project.register("model.safetensors", "weights");

    CliRun nobody =
        project.autoglmWith(Map.of(), null, "promote", "--env", "dev", "--version", "1");
    CliRun fromUser =
        project.autoglmWith(
            Map.of("USER", RESEARCHER), null, "promote", "--env", "dev", "--version", "1");
    CliRun fromAutoglmUser =
        project.autoglmWith(
            Map.of("USER", RESEARCHER, "AUTOGLM_USER", "carol"),
            null,
            "register",
            "--artifact",
            project.artifact("other.safetensors", "other").toString(),
            "--format",
            "json");

    assertThat(nobody.exitCode()).as(nobody.transcript()).isEqualTo(2);
    assertThat(nobody.err())
        .isEqualTo("autoglm: who is acting? pass --user NAME (or set AUTOGLM_USER)\n");
    assertThat(fromUser.exitCode()).as(fromUser.transcript()).isZero();
    JsonNode entries = project.history("dev", 10, 0).get("entries");
    assertThat(entries)
        .as("only the run that knew its user left entries")
        .extracting(entry -> entry.get("action").asText() + " by " + entry.get("actor").asText())
        .containsExactly("verify by bob", "promote by bob");
    assertThat(fromAutoglmUser.exitCode()).as(fromAutoglmUser.transcript()).isZero();
    assertThat(JSON.readTree(fromAutoglmUser.out()).get("createdBy").asText()).isEqualTo("carol");
  }

  // ---- helpers ----

  private String healthUrl(String environment) {
    return project.healthUrl(environment);
  }

  /** The short snapshot digest a policy message names, as in {@code sha256:0123456789ab…}. */
  private static String snapshotOf(CliRun run) {
    return run.out().replaceAll("(?s).*?(sha256:[0-9a-f]{12}…).*", "$1");
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
