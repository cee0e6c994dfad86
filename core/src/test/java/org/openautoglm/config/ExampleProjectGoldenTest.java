package org.openautoglm.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;

/**
 * Renders every config of the example project for every environment and compares the result with a
 * checked-in file, so that any change in rendering shows up as a diff in review.
 *
 * <p>After an intended change, regenerate with {@code ./mvnw -pl core test
 * -Dtest=ExampleProjectGoldenTest -Dgolden.update=true} and read the diff before committing it.
 */
class ExampleProjectGoldenTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  private static ProjectDescriptor project() {
    return new ProjectLoader(LoadLimits.DEFAULT).load(EXAMPLES.resolve("autoglm.yaml"));
  }

  /** golden/train.dev.yaml for configs/train.yaml in dev. */
  private static String goldenName(ConfigTarget target, String environment) {
    String file = target.file().getFileName().toString();
    int dot = file.lastIndexOf('.');
    return file.substring(0, dot) + "." + environment + file.substring(dot);
  }

  static Stream<Arguments> renderings() {
    ProjectDescriptor project = project();
    List<EnvironmentValues> environments =
        ProjectValidation.environments(
            project, null, Values.empty(), new ValuesFiles(LoadLimits.DEFAULT));
    List<Arguments> renderings = new ArrayList<>();
    for (ConfigTarget target : ProjectValidation.targets(project)) {
      for (EnvironmentValues environment : environments) {
        renderings.add(Arguments.of(goldenName(target, environment.name()), target, environment));
      }
    }
    return renderings.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void shouldRenderTheExampleAsTheGoldenFileShows(
      String golden, ConfigTarget target, EnvironmentValues environment) throws IOException {
    FileReport report = new ConfigValidator(LoadLimits.DEFAULT).render(target, environment);

    assertThat(report.errors()).as("errors rendering %s", golden).isEmpty();
    Path file = GOLDEN.resolve(golden);
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, report.rendered(), StandardCharsets.UTF_8);
    }
    assertThat(file).as("golden file (create it with -Dgolden.update=true)").exists();
    assertThat(report.rendered())
        .as(
            "rendering of %s differs from %s; if intended, rerun with -Dgolden.update=true",
            target.displayName(), file)
        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void shouldCoverEveryConfigInEveryEnvironment() throws IOException {
    List<String> expected = renderings().map(a -> (String) a.get()[0]).sorted().toList();
    List<String> checkedIn;
    try (Stream<Path> files = Files.list(GOLDEN)) {
      // subdirectories hold other golden tests' files
      checkedIn =
          files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
    }

    assertThat(expected)
        .containsExactly(
            "serving.dev.json",
            "serving.production.json",
            "serving.staging.json",
            "train.dev.yaml",
            "train.production.yaml",
            "train.staging.yaml");
    assertThat(checkedIn).as("golden files without a rendering are stale").isEqualTo(expected);
  }

  @Test
  void shouldValidateTheExampleProjectWithoutErrors() {
    ProjectDescriptor project = project();

    ValidationReport report =
        new ConfigValidator(LoadLimits.DEFAULT)
            .validate(
                ProjectValidation.targets(project),
                ProjectValidation.environments(
                    project, null, Values.empty(), new ValuesFiles(LoadLimits.DEFAULT)),
                project.mayDiffer(),
                true);

    assertThat(report.files()).allSatisfy(f -> assertThat(f.errors()).isEmpty());
    assertThat(report.files()).hasSize(6);
    assertThat(report.exitCode()).isEqualTo(ValidationReport.VALID);
  }
}
