package org.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.SourcePosition;

/** Reading the {@code deploy} section of an environment and building its deployer. */
@EnableKubernetesMockClient(crud = true)
class DeployerConfigTest {
  private static final String AT = "/environments/2/deploy";

  KubernetesClient client;

  private static SourcePosition position(String pointer) {
    // every key on its own line, so the tests can see which one was blamed
    return new SourcePosition("autoglm.yaml", 10 + pointer.length(), 5);
  }

  private static DeployerConfig read(Map<String, ?> section) {
    return DeployerConfig.read(section, AT, DeployerConfigTest::position);
  }

  private static Map<String, Object> section(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  @Test
  void shouldReadAKubernetesDeployerWithDefaults() {
    DeployerConfig config = read(section("type", "kubernetes", "deployment", "sentiment-api"));

    assertThat(config.type()).isEqualTo(DeployerConfig.Type.KUBERNETES);
    assertThat(config.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.context()).isNull();
    assertThat(config.target())
        .isEqualTo(
            new KubernetesDeployer.Target(
                null, "sentiment-api", null, "MODEL_URI", "MODEL_VERSION", "AUTOGLM_SNAPSHOT"));
  }

  @Test
  void shouldReadEveryKubernetesKey() {
    DeployerConfig config =
        read(
            section(
                "type", "kubernetes",
                "timeout", "5m",
                "context", "prod-cluster",
                "namespace", "serving",
                "deployment", "sentiment-api",
                "container", "server",
                "modelUriEnv", "MODEL_PATH",
                "modelVersionEnv", "",
                "snapshotEnv", "SNAPSHOT"));

    assertThat(config.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.context()).isEqualTo("prod-cluster");
    assertThat(config.target())
        .isEqualTo(
            new KubernetesDeployer.Target(
                "serving", "sentiment-api", "server", "MODEL_PATH", null, "SNAPSHOT"));
  }

  @Test
  void shouldBuildAKubernetesDeployerWithTheClientOfItsContext() {
    DeployerConfig config =
        read(
            section(
                "type", "kubernetes",
                "context", "prod-cluster",
                "namespace", "serving",
                "deployment", "sentiment-api"));
    List<String> contexts = new ArrayList<>();

    Deployer deployer =
        config.create(
            context -> {
              contexts.add(context);
              return client;
            },
            Path.of("."));

    assertThat(deployer).isInstanceOf(KubernetesDeployer.class);
    assertThat(deployer.describe()).isEqualTo("kubernetes deployment serving/sentiment-api");
    assertThat(contexts).containsExactly("prod-cluster");
  }

  @Test
  void shouldReadACommandDeployerAndRunItBelowTheProjectDirectory() {
    DeployerConfig config =
        read(
            section(
                "type",
                "command",
                "command",
                List.of("helm", "upgrade", "--install", "sentiment", "charts/sentiment"),
                "workingDir",
                "deploy",
                "timeout",
                900));

    assertThat(config.command())
        .containsExactly("helm", "upgrade", "--install", "sentiment", "charts/sentiment");
    assertThat(config.timeout()).isEqualTo(Duration.ofMinutes(15));
    CommandDeployer deployer =
        (CommandDeployer) config.create(context -> null, Path.of("/srv/project"));
    assertThat(deployer.workingDirectory()).isEqualTo(Path.of("/srv/project/deploy"));
    assertThat(deployer.describe()).isEqualTo("command 'helm'");
    assertThat(
            ((CommandDeployer)
                    read(section("type", "command", "command", List.of("./deploy.sh")))
                        .create(null, Path.of("/srv/project")))
                .workingDirectory())
        .isEqualTo(Path.of("/srv/project"));
  }

  @Test
  void shouldDeployNothingWithoutASectionOrWithTypeNone() {
    assertThat(read(null)).isEqualTo(DeployerConfig.none());
    assertThat(read(section("type", "none")).type()).isEqualTo(DeployerConfig.Type.NONE);
    Deployer deployer = read(null).create(null, null);

    DeployOutcome outcome =
        deployer.deploy(Release.of("dev", "sha256:abcdef", 3, "s3://m/3"), Duration.ofSeconds(1));

    assertThat(outcome.success()).isTrue();
    assertThat(outcome.message())
        .isEqualTo(
            "nothing to deploy for dev (deployer none): the registry records model version 3"
                + " (snapshot abcdef)");
  }

  @Test
  void shouldRefuseACommandWrittenAsOneString() {
    assertThatThrownBy(
            () -> read(section("type", "command", "command", "helm upgrade x && rm -rf /")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "autoglm.yaml:40:5: /environments/2/deploy/command: 'command' must be a list; write"
                + " the program and its arguments as a list, such as [helm, upgrade, app]; it is"
                + " run directly, never through a shell");
  }

  @Test
  void shouldBlameTheOffendingKey() {
    assertThatThrownBy(() -> read(section("type", "helm")))
        .hasMessage(
            "autoglm.yaml:37:5: /environments/2/deploy/type: unknown deployer type 'helm';"
                + " expected kubernetes, command or none");
    assertThatThrownBy(() -> read(section("type", "kubernetes", "deploymnet", "x")))
        .hasMessageContaining(
            "/environments/2/deploy/deploymnet: unknown key 'deploymnet' for a kubernetes"
                + " deployer; expected one of: type, timeout, context, namespace, deployment,");
    assertThatThrownBy(() -> read(section("type", "kubernetes")))
        .hasMessageContaining(
            "/environments/2/deploy/deployment: a kubernetes deployer needs 'deployment'");
    assertThatThrownBy(
            () -> read(section("type", "command", "command", List.of("x"), "namespace", "a")))
        .as("a key of another type")
        .hasMessageContaining("unknown key 'namespace' for a command deployer");
    assertThatThrownBy(() -> read(section("type", "command")))
        .hasMessageContaining(
            "/environments/2/deploy: a command deployer needs 'command': the program and its"
                + " arguments as a list");
    assertThatThrownBy(() -> read(section("type", "none", "timeout", "ten minutes")))
        .hasMessageContaining(
            "/environments/2/deploy/timeout: 'ten minutes' is not a duration; write 500ms, 90s,"
                + " 45m, 2h or 1h30m");
    assertThatThrownBy(() -> read(section("type", "kubernetes", "deployment", "Sentiment_API")))
        .hasMessageContaining("deployment 'Sentiment_API' is not a Kubernetes name");
  }

  @Test
  void shouldValidateReleases() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Release.of("prod", "sha256:x", 0, "s3://m"))
        .withMessage("modelVersion must be 1 or more, not 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Release.of("prod", " ", 1, "s3://m"))
        .withMessage("snapshotDigest must not be empty");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> Release.of("prod", "sha256:x", 1, "s3://m").withParameters(Map.of("a b", "1")))
        .withMessageStartingWith("parameter name 'a b' is not allowed");
    assertThat(Release.of("prod", "sha256:x", 1, "s3://m").withImage(" ").image()).isNull();
  }
}
