package org.openautoglm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;

class ProjectValidationTest {
  @TempDir Path directory;

  private final ValuesFiles files = new ValuesFiles(LoadLimits.DEFAULT);

  private ProjectDescriptor project(String environments) throws IOException {
    write("values/common.yaml", "a: common\nb: common\nc: common\nd: common\n");
    write("values/dev.yaml", "b: dev\nc: dev\nd: dev\n");
    write("values/dev-extra.yaml", "c: dev-extra\nd: dev-extra\n");
    write(
        "autoglm.yaml",
        "apiVersion: autoglm/v1\nname: demo\nconfigs:\n  - file: configs/a.yaml\n"
            + "    schema: schemas/a.yaml\n  - file: configs/b.json\n"
            + "values: values/common.yaml\n"
            + environments);
    return new ProjectLoader(LoadLimits.DEFAULT).load(directory.resolve("autoglm.yaml"));
  }

  private void write(String relative, String text) throws IOException {
    Path file = directory.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String value(EnvironmentValues environment, String key) {
    return environment.values().lookup(List.of(key)).value().asText();
  }

  @Test
  void shouldLayerProjectThenEnvironmentValuesThenOverrides() throws IOException {
    ProjectDescriptor project =
        project(
            "environments:\n  - name: dev\n    values: [values/dev.yaml, values/dev-extra.yaml]\n"
                + "  - name: prod\n");
    Values overrides = Values.fromEnvironment(List.of("d"), Map.of("d", "override"));

    List<EnvironmentValues> environments =
        ProjectValidation.environments(project, null, overrides, files);

    assertThat(environments).extracting(EnvironmentValues::name).containsExactly("dev", "prod");
    EnvironmentValues dev = environments.get(0);
    assertThat(List.of(value(dev, "a"), value(dev, "b"), value(dev, "c"), value(dev, "d")))
        .containsExactly("common", "dev", "dev-extra", "override");
    EnvironmentValues prod = environments.get(1);
    assertThat(List.of(value(prod, "a"), value(prod, "b"), value(prod, "d")))
        .containsExactly("common", "common", "override");
  }

  @Test
  void shouldSelectOneEnvironment() throws IOException {
    ProjectDescriptor project =
        project("environments:\n  - name: dev\n    values: values/dev.yaml\n  - name: prod\n");

    List<EnvironmentValues> only =
        ProjectValidation.environments(project, "prod", Values.empty(), files);

    assertThat(only).extracting(EnvironmentValues::name).containsExactly("prod");
    assertThatThrownBy(() -> ProjectValidation.environments(project, "qa", Values.empty(), files))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown environment 'qa'; the project defines dev, prod");
  }

  @Test
  void shouldRenderOnceWithoutEnvironments() throws IOException {
    ProjectDescriptor project = project("");

    List<EnvironmentValues> environments =
        ProjectValidation.environments(project, null, Values.empty(), files);

    assertThat(environments)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.name()).isNull();
              assertThat(value(e, "a")).isEqualTo("common");
            });
    assertThatThrownBy(() -> ProjectValidation.environments(project, "dev", Values.empty(), files))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the project defines no environments, so --env dev cannot be chosen");
  }

  @Test
  void shouldTargetEveryConfigWithItsSchema() throws IOException {
    ProjectDescriptor project = project("");

    List<ConfigTarget> targets = ProjectValidation.targets(project);

    assertThat(targets)
        .containsExactly(
            new ConfigTarget(
                directory.resolve("configs/a.yaml").toAbsolutePath(),
                directory.resolve("configs/a.yaml").toString(),
                directory.resolve("schemas/a.yaml").toAbsolutePath(),
                directory.resolve("schemas/a.yaml").toString()),
            new ConfigTarget(
                directory.resolve("configs/b.json").toAbsolutePath(),
                directory.resolve("configs/b.json").toString(),
                null,
                null));
  }
}
