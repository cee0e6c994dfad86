package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.casc.misc.junit.jupiter.AbstractRoundTripTest;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.openautoglm.policy.Action;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;

/** The global configuration as code: loaded, checked, exported, applied again after a restart. */
@WithJenkins
class ConfigurationAsCodeITest extends AbstractRoundTripTest {
  @Override
  protected void assertConfiguredAsExpected(JenkinsRule j, String configContent) {
    AutoglmConfiguration configuration = AutoglmConfiguration.get();
    assertThat(configuration.getRoles())
        .extracting(RoleDefinition::getName)
        .containsExactly("admin", "researcher");
    assertThat(configuration.getRegistryRemote()).contains("{project}");
    assertThat(configuration.registryRemoteFor("sentiment"))
        .isEqualTo("https://git.example.com/ml/sentiment-registry.git");
    assertThat(configuration.getKubernetesNamespace()).isEqualTo("ml-team");
    assertThat(configuration.getWebhooks()).hasSize(1);
    Policy policy = configuration.policy();
    assertThat(policy.decide(Actor.of("bob", "researchers"), Action.PROMOTE, "dev").allowed())
        .isTrue();
    assertThat(
            policy.decide(Actor.of("bob", "researchers"), Action.PROMOTE, "production").allowed())
        .isFalse();
    assertThat(policy.rules().rule("production").approvals()).isEqualTo(1);
  }

  @Override
  protected String stringInLogExpected() {
    return "registryRemote = https://git.example.com/ml/{project}-registry.git";
  }
}
