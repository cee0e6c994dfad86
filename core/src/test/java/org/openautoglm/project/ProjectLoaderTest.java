package org.openautoglm.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

class ProjectLoaderTest {
  private static final ProjectLoader LOADER = new ProjectLoader(LoadLimits.DEFAULT);
  private static final String SEE = " (in the project descriptor; see docs/validation.md)";

  private static final String VALID =
      String.join(
          "\n",
          "apiVersion: autoglm/v1",
          "name: demo",
          "configs:",
          "  - file: configs/a.yaml",
          "    schema: schemas/a.schema.yaml",
          "  - file: configs/b.json",
          "values: [values/common.yaml, values/extra.yaml]",
          "environments:",
          "  - name: dev",
          "    values: values/dev.yaml",
          "  - name: prod-eu",
          "consistency:",
          "  mayDiffer: [/replicas, /services/*/image]",
          "");

  @TempDir Path directory;

  private Path descriptor(String text) throws IOException {
    return Files.writeString(directory.resolve("autoglm.yaml"), text, StandardCharsets.UTF_8);
  }

  private Diagnostic rejectionOf(String text) throws IOException {
    Path file = descriptor(text);
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
  void shouldLoadAValidDescriptor() throws IOException {
    ProjectDescriptor project = LOADER.load(descriptor(VALID));

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(project.name()).isEqualTo("demo");
    softly.assertThat(project.description()).isEmpty();
    softly
        .assertThat(project.configs())
        .containsExactly(
            new ProjectDescriptor.ConfigFile("configs/a.yaml", "schemas/a.schema.yaml"),
            new ProjectDescriptor.ConfigFile("configs/b.json", null));
    softly.assertThat(project.values()).containsExactly("values/common.yaml", "values/extra.yaml");
    softly
        .assertThat(project.environments())
        .containsExactly(
            ProjectDescriptor.Environment.of("dev", List.of("values/dev.yaml")),
            ProjectDescriptor.Environment.of("prod-eu", List.of()));
    softly.assertThat(project.mayDiffer()).containsExactly("/replicas", "/services/*/image");
    softly.assertThat(project.training()).isNull();
    softly.assertThat(project.environment("dev")).isPresent();
    softly.assertThat(project.environment("staging")).isEmpty();
    softly.assertAll();
  }

  @Test
  void shouldResolveAndNameProjectFilesRelativeToTheDescriptor() throws IOException {
    ProjectDescriptor project = LOADER.load(descriptor(VALID));

    assertThat(project.resolve("configs/../configs/a.yaml"))
        .isEqualTo(directory.resolve("configs/a.yaml").toAbsolutePath());
    assertThat(project.display("configs/a.yaml"))
        .isEqualTo(directory.resolve("configs/a.yaml").toString());
  }

  @Test
  void shouldLoadTheExampleProject() {
    ProjectDescriptor project = LOADER.load(Path.of("..", "examples", "autoglm.yaml"));

    assertThat(project.name()).isEqualTo("sentiment-classifier");
    assertThat(project.configs())
        .extracting(ProjectDescriptor.ConfigFile::file)
        .containsExactly("configs/train.yaml", "configs/serving.json");
    assertThat(project.environments())
        .extracting(ProjectDescriptor.Environment::name)
        .containsExactly("dev", "staging", "production");
    assertThat(project.display("values/dev.yaml"))
        .isEqualTo(Path.of("..", "examples", "values", "dev.yaml").normalize().toString());
  }

  @Test
  void shouldRejectAnUnknownTopLevelKeyAtTheKey() throws IOException {
    Diagnostic error = rejectionOf(VALID + "# a comment\nconfig: x\n");

    assertThat(at(error)).isEqualTo("15:1");
    assertThat(error.message())
        .isEqualTo("/config: unknown key 'config': the schema does not allow it (a typo?)" + SEE);
  }

  @Test
  void shouldRejectMissingConfigs() throws IOException {
    Diagnostic error = rejectionOf("# demo\napiVersion: autoglm/v1\nname: demo\n");

    // a missing key has no place of its own: the mapping that lacks it
    assertThat(at(error)).isEqualTo("2:1");
    assertThat(error.message()).isEqualTo("missing required key 'configs'; add it" + SEE);
  }

  @Test
  void shouldRejectAnEmptyConfigList() throws IOException {
    Diagnostic error = rejectionOf("apiVersion: autoglm/v1\nname: demo\nconfigs: []\n");

    assertThat(at(error)).isEqualTo("3:10");
    assertThat(error.message()).startsWith("/configs: must have at least 1 item(s), found 0");
  }

  @Test
  void shouldRejectAConfigWithoutAFile() throws IOException {
    Diagnostic error =
        rejectionOf("apiVersion: autoglm/v1\nname: demo\nconfigs:\n  - schema: s.yaml\n");

    assertThat(at(error)).isEqualTo("4:5");
    assertThat(error.message()).isEqualTo("/configs/0: missing required key 'file'; add it" + SEE);
  }

  @Test
  void shouldRejectABadEnvironmentName() throws IOException {
    Diagnostic error = rejectionOf(VALID.replace("name: prod-eu", "name: Prod_EU"));

    assertThat(at(error)).isEqualTo("11:11");
    assertThat(error.message())
        .isEqualTo(
            "/environments/1/name: string \"Prod_EU\" does not match the pattern"
                + " ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
                + SEE);
  }

  @Test
  void shouldRejectADuplicateEnvironmentNameAtTheSecondOne() throws IOException {
    Diagnostic error = rejectionOf(VALID.replace("name: prod-eu", "name: dev"));

    assertThat(at(error)).isEqualTo("11:11");
    assertThat(error.message())
        .isEqualTo("environment 'dev' is defined twice; names must be unique");
  }

  @Test
  void shouldRejectAMayDifferEntryThatIsNotAPointer() throws IOException {
    Diagnostic error =
        rejectionOf(VALID.replace("[/replicas, /services/*/image]", "[/replicas, replicas]"));

    assertThat(at(error)).isEqualTo("13:26");
    assertThat(error.message())
        .isEqualTo(
            "/consistency/mayDiffer/1: string \"replicas\" does not match the pattern ^(/[^/]*)+$"
                + SEE);
  }

  @Test
  void shouldRejectValuesThatAreNeitherAFileNorAList() throws IOException {
    Diagnostic error =
        rejectionOf(VALID.replace("values: [values/common.yaml, values/extra.yaml]", "values: 5"));

    assertThat(at(error)).isEqualTo("7:9");
    assertThat(error.message())
        .isEqualTo(
            "/values: matches none of the allowed forms (string | array), found integer 5" + SEE);
  }

  @Test
  void shouldRejectAnotherApiVersion() throws IOException {
    Diagnostic error = rejectionOf(VALID.replace("autoglm/v1", "autoglm/v2"));

    assertThat(at(error)).isEqualTo("1:13");
    assertThat(error.message())
        .startsWith("/apiVersion: must be ")
        .contains("autoglm/v1")
        .contains("found string \"autoglm/v2\"");
  }

  @Test
  void shouldRejectADescriptorThatDoesNotParse() throws IOException {
    Diagnostic error = rejectionOf(VALID + "name: again\n");

    assertThat(at(error)).isEqualTo("14:1");
    assertThat(error.message()).startsWith("duplicate key 'name' (first defined at ");
  }

  @Test
  void shouldRejectAMissingDescriptor() {
    Path missing = directory.resolve("none.yaml");

    Throwable thrown = catchThrowable(() -> LOADER.load(missing));

    assertThat(((ConfigException) thrown).diagnostic().toString())
        .isEqualTo(missing + ":1:1: file not found");
  }

  @Test
  void shouldLoadTextReadElsewhereAndResolveAgainstItsPath() {
    Path remote = Path.of("/agent/workspace/job/autoglm.yaml");
    ProjectDescriptor project = LOADER.load(remote, new SourceFile("job/autoglm.yaml", VALID));
    assertThat(project.name()).isEqualTo("demo");
    assertThat(project.resolve("configs/a.yaml"))
        .isEqualTo(Path.of("/agent/workspace/job/configs/a.yaml"));
  }

  @Test
  void shouldReportTextReadElsewhereByItsName() {
    Throwable thrown =
        catchThrowable(
            () ->
                LOADER.load(
                    Path.of("/agent/ws/autoglm.yaml"),
                    new SourceFile("autoglm.yaml", "name: 5\n")));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) thrown).diagnostic().file()).isEqualTo("autoglm.yaml");
  }

  @Test
  void shouldRefuseTextReadElsewhereOverTheLimit() {
    // the descriptor schema itself (8 KB) must fit under the limit
    ProjectLoader small = new ProjectLoader(LoadLimits.DEFAULT.withMaxBytes(10_000));
    Throwable thrown =
        catchThrowable(
            () ->
                small.load(
                    Path.of("autoglm.yaml"),
                    new SourceFile("autoglm.yaml", VALID + "#".repeat(20_000))));
    assertThat(thrown).isInstanceOf(ConfigException.class).hasMessageContaining("limit");
  }
}
