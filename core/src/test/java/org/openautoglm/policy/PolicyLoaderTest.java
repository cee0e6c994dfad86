package org.openautoglm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

class PolicyLoaderTest {
  private static final PolicyLoader LOADER = new PolicyLoader(LoadLimits.DEFAULT);
  private static final String SEE = " (in the policy file)";

  /** The example from the issue, with {@code test} listed so that staging may require it. */
  private static final String EXAMPLE =
      """
      roles:
        admin:      {read: true, train: true, promote: ["*"], rollback: ["*"], approve: ["*"]}
        researcher: {read: true, train: true, promote: ["test", "test-*", "dev"], rollback: ["test", "test-*", "dev"], approve: []}
        guest:      {read: true}
      members:
        admin: {users: [alice], groups: [ml-platform]}
        researcher: {users: [bob, carol], groups: [researchers]}
        guest: {groups: [authenticated]}
      environments:
        production: {requires: [staging], approvals: 1, approvers: [admin], approvalExpiry: 24h, allowSelfApproval: false}
        staging: {requires: [test]}
        test: {}
      """;

  @TempDir Path directory;

  private Path file(String text) throws IOException {
    return Files.writeString(
        directory.resolve("autoglm-policy.yaml"), text, StandardCharsets.UTF_8);
  }

  private Diagnostic rejectionOf(String text) throws IOException {
    Path file = file(text);
    Throwable thrown = catchThrowable(() -> LOADER.load(file));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    Diagnostic error = ((ConfigException) thrown).diagnostic();
    assertThat(error.file()).isEqualTo(file.toString());
    return error;
  }

  private static String at(Diagnostic error) {
    return error.line() + ":" + error.column();
  }

  @Test
  void shouldLoadTheExamplePolicy() throws IOException {
    Policy policy = LOADER.load(file(EXAMPLE));

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(policy.roles())
        .containsExactly(
            new Role("admin", true, true, List.of("*"), List.of("*"), List.of("*")),
            new Role(
                "researcher",
                true,
                true,
                List.of("test", "test-*", "dev"),
                List.of("test", "test-*", "dev"),
                List.of()),
            new Role("guest", true, false, List.of(), List.of(), List.of()));
    softly
        .assertThat(policy.members("admin"))
        .isEqualTo(new RoleMembers(List.of("alice"), List.of("ml-platform")));
    softly.assertThat(policy.members("guest").users()).isEmpty();
    softly
        .assertThat(policy.rules().rule("production"))
        .isEqualTo(
            new EnvironmentRule(
                "production",
                List.of("staging"),
                1,
                List.of("admin"),
                Duration.ofHours(24),
                false));
    softly
        .assertThat(policy.rules().rule("staging"))
        .isEqualTo(new EnvironmentRule("staging", List.of("test"), 0, List.of(), null, false));
    softly
        .assertThat(policy.rules().environments().keySet())
        .containsExactly("production", "staging", "test");
    softly.assertAll();
  }

  @Test
  void shouldUseTheDefaultsWhenNoFileIsNamed() {
    Policy defaults = LOADER.loadOrDefaults(null);

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(defaults).isSameAs(Policy.defaults());
    softly
        .assertThat(defaults.roles())
        .extracting(Role::name)
        .containsExactly("admin", "researcher", "guest");
    softly.assertThat(defaults.members()).isEmpty();
    softly
        .assertThat(defaults.rules().rule("production"))
        .isEqualTo(
            new EnvironmentRule(
                "production",
                List.of("staging"),
                1,
                List.of("admin"),
                Duration.ofHours(24),
                false));
    softly.assertThat(defaults.rules().rule("staging").requires()).containsExactly("test");
    softly.assertThat(defaults.rules().rule("test").isEmpty()).isTrue();
    softly.assertAll();
  }

  @Test
  void shouldLetNobodyDoAnythingUnderTheDefaults() {
    Decision decision = Policy.defaults().decide(Actor.of("root", "wheel"), Action.READ, null);

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason()).startsWith("root holds no role");
  }

  @Test
  void shouldMatchTheExampleWhenOnlyMembersAreGiven() throws IOException {
    Policy example = LOADER.load(file(EXAMPLE));
    Policy membersOnly =
        LOADER.load(
            new SourceFile(
                "members-only.yaml",
                """
                members:
                  admin: {users: [alice], groups: [ml-platform]}
                  researcher: {users: [bob, carol], groups: [researchers]}
                  guest: {groups: [authenticated]}
                """));

    assertThat(membersOnly.roles()).isEqualTo(example.roles());
    assertThat(membersOnly.members()).isEqualTo(example.members());
    assertThat(membersOnly.rules().rule("production"))
        .isEqualTo(example.rules().rule("production"));
  }

  @Test
  void shouldReplaceTheDefaultRolesAndRulesWhenGiven() throws IOException {
    Policy policy =
        LOADER.load(
            file(
                """
                apiVersion: autoglm/v1
                roles:
                  releaser: {promote: [prod-*], approve: [prod-*]}
                members:
                  releaser: {users: [rita]}
                environments:
                  prod-eu: {approvals: 2, approvalExpiry: 1h30m, allowSelfApproval: true}
                """));

    assertThat(policy.roles()).extracting(Role::name).containsExactly("releaser");
    assertThat(policy.role("releaser").orElseThrow().read()).isFalse();
    assertThat(policy.rules().environments().keySet()).containsExactly("prod-eu");
    assertThat(policy.rules().rule("prod-eu"))
        .isEqualTo(
            new EnvironmentRule("prod-eu", List.of(), 2, List.of(), Duration.ofMinutes(90), true));
  }

  @Test
  void shouldReportAFileThatIsNamedButMissing() {
    Path missing = directory.resolve("nope.yaml");

    Throwable thrown = catchThrowable(() -> LOADER.loadOrDefaults(missing));

    assertThat(thrown).isInstanceOf(ConfigException.class).hasMessageContaining("file not found");
  }

  @Test
  void shouldRejectAnUnknownTopLevelKey() throws IOException {
    Diagnostic error = rejectionOf("roles: {}\nmember: {}\n");

    assertThat(at(error)).isEqualTo("2:1");
    assertThat(error.message())
        .isEqualTo("unknown key 'member': the schema does not allow it (a typo?)" + SEE);
  }

  @Test
  void shouldRejectAnUnknownRight() throws IOException {
    Diagnostic error = rejectionOf("roles:\n  admin: {read: true, deploy: [\"*\"]}\n");

    assertThat(at(error)).isEqualTo("2:23");
    assertThat(error.pointer()).isEqualTo("/roles/admin/deploy");
  }

  @Test
  void shouldRejectNegativeApprovals() throws IOException {
    Diagnostic error = rejectionOf("environments:\n  production:\n    approvals: -1\n");

    assertThat(at(error)).isEqualTo("3:16");
    assertThat(error.pointer()).isEqualTo("/environments/production/approvals");
    assertThat(error.message()).isEqualTo("must be ≥ 0, found integer -1" + SEE);
  }

  @Test
  void shouldRejectAnExpiryThatIsNotADuration() throws IOException {
    Diagnostic error =
        rejectionOf("environments:\n  production: {approvals: 1, approvalExpiry: 1 day}\n");

    assertThat(at(error)).isEqualTo("2:46");
    assertThat(error.message()).contains("does not match the pattern");
  }

  @Test
  void shouldRejectAZeroExpiry() throws IOException {
    Diagnostic error =
        rejectionOf("environments:\n  production: {approvals: 1, approvalExpiry: 0h}\n");

    assertThat(at(error)).isEqualTo("2:46");
    assertThat(error.pointer()).isEqualTo("/environments/production/approvalExpiry");
    assertThat(error.message()).startsWith("'0h' is zero");
  }

  @Test
  void shouldRejectMembersOfAnUnknownRole() throws IOException {
    Diagnostic error =
        rejectionOf(
            """
            members:
              admin: {users: [alice]}
              admn: {users: [bob]}
            """);

    assertThat(at(error)).isEqualTo("3:3");
    assertThat(error.pointer()).isEqualTo("/members/admn");
    assertThat(error.message())
        .isEqualTo(
            "members name role 'admn', which is not defined (the default roles are used); known"
                + " roles: admin, researcher, guest"
                + SEE);
  }

  @Test
  void shouldRejectARequiredEnvironmentThatIsNotListed() throws IOException {
    Diagnostic error =
        rejectionOf(
            """
            environments:
              staging: {requires: [test]}
              production: {requires: [stagin], approvals: 1}
            """);

    assertThat(at(error)).isEqualTo("2:24");
    assertThat(error.pointer()).isEqualTo("/environments/staging/requires/0");
    assertThat(error.message())
        .isEqualTo(
            "staging requires 'test', which is not listed under environments (listed: staging,"
                + " production); fix the name, or add it as `test: {}`"
                + SEE);
  }

  @Test
  void shouldRejectATypoInRequires() throws IOException {
    Diagnostic error =
        rejectionOf(
            """
            environments:
              staging: {}
              production: {requires: [staging, stagin]}
            """);

    assertThat(at(error)).isEqualTo("3:36");
    assertThat(error.message()).startsWith("production requires 'stagin', which is not listed");
  }

  @Test
  void shouldRejectAnEnvironmentThatRequiresItself() throws IOException {
    Diagnostic error = rejectionOf("environments:\n  staging: {requires: [staging]}\n");

    assertThat(at(error)).isEqualTo("2:24");
    assertThat(error.message()).isEqualTo("staging cannot require itself" + SEE);
  }

  @Test
  void shouldRejectRequirementsThatGoRoundInACircle() throws IOException {
    Diagnostic error =
        rejectionOf(
            """
            environments:
              test: {requires: [production]}
              staging: {requires: [test]}
              production: {requires: [staging]}
            """);

    assertThat(error.pointer()).isEqualTo("/environments/staging/requires/0");
    assertThat(at(error)).isEqualTo("3:24");
    assertThat(error.message())
        .isEqualTo(
            "requires goes round in a circle (test requires production requires staging requires"
                + " test), so no snapshot could ever be promoted to test, production and staging;"
                + " remove one of these requirements"
                + SEE);
  }

  @Test
  void shouldRejectAnUnknownApproverRole() throws IOException {
    Diagnostic error =
        rejectionOf("environments:\n  production: {approvals: 1, approvers: [admin, owner]}\n");

    assertThat(at(error)).isEqualTo("2:49");
    assertThat(error.message())
        .isEqualTo(
            "production names approver role 'owner', which is not defined; known roles: admin,"
                + " researcher, guest"
                + SEE);
  }

  @Test
  void shouldRejectAnApproverRoleThatMayNotApprove() throws IOException {
    Diagnostic error =
        rejectionOf("environments:\n  production: {approvals: 1, approvers: [researcher]}\n");

    assertThat(at(error)).isEqualTo("2:42");
    assertThat(error.message())
        .isEqualTo(
            "production names approver role 'researcher', but researcher may not approve"
                + " production (its approve list is empty); add a matching pattern to its approve"
                + " list or name another role"
                + SEE);
  }

  @Test
  void shouldRejectApprovalsThatNoRoleMayGive() throws IOException {
    Diagnostic error =
        rejectionOf(
            """
            roles:
              ops: {promote: ["*"], approve: [staging]}
            environments:
              production: {approvals: 1}
            """);

    assertThat(at(error)).isEqualTo("4:16");
    assertThat(error.pointer()).isEqualTo("/environments/production/approvals");
    assertThat(error.message())
        .isEqualTo(
            "production needs 1 approval, but no role may approve production; give a role the"
                + " approve right for it"
                + SEE);
  }

  @Test
  void shouldRejectDefaultRulesThatDoNotFitTheRolesGiven() throws IOException {
    Diagnostic error =
        rejectionOf(
            """
            # our own roles, but no environments section
            roles:
              ops: {promote: ["*"], approve: ["*"]}
            """);

    assertThat(at(error)).isEqualTo("2:1");
    assertThat(error.message())
        .startsWith(
            "the default environment rules do not fit the roles of this file: production names"
                + " approver role 'admin', which is not defined")
        .endsWith("; write an environments: section of your own" + SEE);
  }

  @Test
  void shouldRejectAnEnvironmentNameThatIsNotADnsLabel() throws IOException {
    Diagnostic error = rejectionOf("environments:\n  test: {}\n  Prod_EU: {}\n");

    assertThat(at(error)).isEqualTo("3:3");
    assertThat(error.message()).startsWith("environment name 'Prod_EU' must be a DNS-1123 label");
  }

  @Test
  void shouldRejectARoleNameWithSpaces() throws IOException {
    Diagnostic error = rejectionOf("roles:\n  \"release manager\": {read: true}\n");

    assertThat(at(error)).isEqualTo("2:3");
    assertThat(error.message()).startsWith("role name 'release manager' must start with");
  }

  @Test
  void shouldRejectAnEnvironmentPatternWithOddCharacters() throws IOException {
    Diagnostic error = rejectionOf("roles:\n  admin: {promote: [\"prod/*\"]}\n");

    assertThat(at(error)).isEqualTo("2:21");
    assertThat(error.pointer()).isEqualTo("/roles/admin/promote/0");
  }

  @Test
  void shouldRejectAStringWhereAFlagBelongs() throws IOException {
    Diagnostic error = rejectionOf("roles:\n  guest: {read: yes}\n");

    assertThat(at(error)).isEqualTo("2:17");
    assertThat(error.message()).isEqualTo("expected boolean, found string \"yes\"" + SEE);
  }

  @Test
  void shouldRejectAnEmptyFile() throws IOException {
    Diagnostic error = rejectionOf("");

    assertThat(at(error)).isEqualTo("1:1");
    assertThat(error.message()).startsWith("expected object");
  }

  @Test
  void shouldRejectDuplicateKeysAtTheirPlace() throws IOException {
    Diagnostic error =
        rejectionOf("members:\n  admin: {users: [alice]}\n  admin: {users: [mallory]}\n");

    assertThat(error.line()).isEqualTo(3);
  }
}
