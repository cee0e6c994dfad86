package org.openautoglm.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default policy as a table: every default role, on every kind of environment, for every
 * action. DESIGN.md: admin does everything; researcher reads, trains, promotes and rolls back test
 * environments only and approves nothing; guest only reads.
 */
class PolicyTableTest {
  private static final Policy POLICY = TestPolicies.team();
  private static final Policy ONE_MEMBER_PER_ROLE =
      TestPolicies.parse(
          """
          members:
            admin: {groups: [admin-group]}
            researcher: {groups: [researcher-group]}
            guest: {groups: [guest-group]}
          """);

  @ParameterizedTest(name = "{0} {2} {1}: {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # role     | environment | action   | expected
          admin      | dev         | read     | allow
          admin      | dev         | train    | allow
          admin      | dev         | promote  | allow
          admin      | dev         | rollback | allow
          admin      | dev         | approve  | allow
          admin      | test        | read     | allow
          admin      | test        | train    | allow
          admin      | test        | promote  | allow
          admin      | test        | rollback | allow
          admin      | test        | approve  | allow
          admin      | test-eu     | read     | allow
          admin      | test-eu     | train    | allow
          admin      | test-eu     | promote  | allow
          admin      | test-eu     | rollback | allow
          admin      | test-eu     | approve  | allow
          admin      | staging     | read     | allow
          admin      | staging     | train    | allow
          admin      | staging     | promote  | allow
          admin      | staging     | rollback | allow
          admin      | staging     | approve  | allow
          admin      | production  | read     | allow
          admin      | production  | train    | allow
          admin      | production  | promote  | allow
          admin      | production  | rollback | allow
          admin      | production  | approve  | allow
          researcher | dev         | read     | allow
          researcher | dev         | train    | allow
          researcher | dev         | promote  | allow
          researcher | dev         | rollback | allow
          researcher | dev         | approve  | deny
          researcher | test        | read     | allow
          researcher | test        | train    | allow
          researcher | test        | promote  | allow
          researcher | test        | rollback | allow
          researcher | test        | approve  | deny
          researcher | test-eu     | read     | allow
          researcher | test-eu     | train    | allow
          researcher | test-eu     | promote  | allow
          researcher | test-eu     | rollback | allow
          researcher | test-eu     | approve  | deny
          researcher | staging     | read     | allow
          researcher | staging     | train    | allow
          researcher | staging     | promote  | deny
          researcher | staging     | rollback | deny
          researcher | staging     | approve  | deny
          researcher | production  | read     | allow
          researcher | production  | train    | allow
          researcher | production  | promote  | deny
          researcher | production  | rollback | deny
          researcher | production  | approve  | deny
          guest      | dev         | read     | allow
          guest      | dev         | train    | deny
          guest      | dev         | promote  | deny
          guest      | dev         | rollback | deny
          guest      | dev         | approve  | deny
          guest      | test        | read     | allow
          guest      | test        | train    | deny
          guest      | test        | promote  | deny
          guest      | test        | rollback | deny
          guest      | test        | approve  | deny
          guest      | test-eu     | read     | allow
          guest      | test-eu     | train    | deny
          guest      | test-eu     | promote  | deny
          guest      | test-eu     | rollback | deny
          guest      | test-eu     | approve  | deny
          guest      | staging     | read     | allow
          guest      | staging     | train    | deny
          guest      | staging     | promote  | deny
          guest      | staging     | rollback | deny
          guest      | staging     | approve  | deny
          guest      | production  | read     | allow
          guest      | production  | train    | deny
          guest      | production  | promote  | deny
          guest      | production  | rollback | deny
          guest      | production  | approve  | deny
          """)
  void shouldDecideEveryDefaultRoleEnvironmentAndAction(
      String role, String environment, String action, String expected) {
    Actor member = Actor.of(role + "-member", role + "-group");
    Decision decision =
        ONE_MEMBER_PER_ROLE.decide(
            member, Action.valueOf(action.toUpperCase(Locale.ROOT)), environment);

    assertThat(decision.allowed()).as(decision.reason()).isEqualTo(expected.equals("allow"));
    assertThat(decision.reason()).startsWith(role + "-member").contains(role);
  }

  @ParameterizedTest(name = "nobody {1} {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          dev        | read
          test       | train
          test-eu    | promote
          staging    | rollback
          production | approve
          """)
  void shouldDenyEverythingToAUserWithoutARole(String environment, String action) {
    Decision decision =
        POLICY.decide(
            Actor.of("mallory", "contractors"),
            Action.valueOf(action.toUpperCase(Locale.ROOT)),
            environment);

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason())
        .startsWith("mallory holds no role, by name or through the groups contractors")
        .endsWith("only the operator's policy file grants roles");
  }
}
