package org.openautoglm.config.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

class ValuesTest {
  @TempDir Path directory;

  private static Values file(String name, String yaml) {
    SourceFile source = new SourceFile(name, yaml);
    return Values.fromDocument(
        new DocumentParser(LoadLimits.DEFAULT).parse(source), source::position);
  }

  private static Values.Lookup lookup(Values values, String dotted) {
    return values.lookup(Arrays.asList(dotted.split("\\.")));
  }

  private static final Values BASE =
      file(
          "values/common.yaml",
          "trainer:\n  lr: 0.1\n  batch_size: 16\n  schedule: {warmup: 100, decay: cosine}\n"
              + "tags: [nlp, bert]\nTIMEOUT: 1000\n");

  private static final Values PRODUCTION =
      file(
          "values/production.yaml",
          "trainer:\n  batch_size: 256\n  schedule: linear\ntags: [prod]\nTIMEOUT: 2000\n");

  @Test
  void shouldLayerBaseEnvironmentSetAndEnvironmentVariablesInThatOrder() {
    Values set = Values.fromAssignments(List.of("TIMEOUT=3000", "trainer.lr=0.2"));
    Values environment =
        Values.fromEnvironment(List.of("TIMEOUT"), Map.of("TIMEOUT", "4000", "OTHER", "x"));

    Values all = BASE.overlay(PRODUCTION).overlay(set).overlay(environment);

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(lookup(all, "TIMEOUT").value().intValue()).isEqualTo(4000);
    softly.assertThat(lookup(all, "TIMEOUT").origin()).isEqualTo("environment variable TIMEOUT");
    softly.assertThat(lookup(all, "trainer.lr").value().doubleValue()).isEqualTo(0.2);
    softly.assertThat(lookup(all, "trainer.lr").origin()).isEqualTo("--set trainer.lr=0.2");
    softly.assertThat(lookup(all, "trainer.batch_size").value().intValue()).isEqualTo(256);
    softly
        .assertThat(lookup(all, "trainer.batch_size").origin())
        .isEqualTo("values/production.yaml:2:15");
    softly.assertThat(lookup(all, "OTHER").found()).isFalse();
    softly.assertAll();
  }

  @Test
  void shouldLetEachLayerWinOnlyOverTheLayersBelow() {
    Values set = Values.fromAssignments(List.of("TIMEOUT=3000"));

    assertThat(lookup(BASE.overlay(PRODUCTION), "TIMEOUT").value().intValue()).isEqualTo(2000);
    assertThat(lookup(BASE.overlay(PRODUCTION).overlay(set), "TIMEOUT").value().intValue())
        .isEqualTo(3000);
    // order matters: a lower layer laid on top wins
    assertThat(lookup(set.overlay(PRODUCTION), "TIMEOUT").value().intValue()).isEqualTo(2000);
  }

  @Test
  void shouldMergeMappingsKeyByKey() {
    Values merged = BASE.overlay(PRODUCTION);

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(lookup(merged, "trainer.lr").value().doubleValue()).isEqualTo(0.1);
    softly.assertThat(lookup(merged, "trainer.lr").origin()).isEqualTo("values/common.yaml:2:7");
    softly.assertThat(lookup(merged, "trainer.batch_size").value().intValue()).isEqualTo(256);
    // the mapping itself was defined by the lower layer and merged into
    softly.assertThat(lookup(merged, "trainer").origin()).isEqualTo("values/common.yaml:2:3");
    softly.assertAll();
  }

  @Test
  void shouldReplaceListsWhole() {
    Values merged = BASE.overlay(PRODUCTION);

    assertThat(lookup(merged, "tags").value().toString()).isEqualTo("[\"prod\"]");
    assertThat(lookup(merged, "tags").origin()).isEqualTo("values/production.yaml:4:7");
  }

  @Test
  void shouldReplaceTheOriginsOfAnOverriddenSubtree() {
    // schedule: a mapping in common.yaml, a string in production.yaml
    Values merged = BASE.overlay(PRODUCTION);

    assertThat(lookup(merged, "trainer.schedule").value().asText()).isEqualTo("linear");
    assertThat(lookup(merged, "trainer.schedule").origin())
        .isEqualTo("values/production.yaml:3:13");
    assertThat(lookup(merged, "trainer.schedule.warmup").found()).isFalse();
    assertThat(lookup(merged, "trainer.schedule.warmup").origin()).isNull();

    // and back: a mapping over the string brings only its own keys and origins
    Values again =
        merged.overlay(file("values/extra.yaml", "trainer:\n  schedule:\n    steps: 5\n"));
    assertThat(lookup(again, "trainer.schedule").value().toString()).isEqualTo("{\"steps\":5}");
    assertThat(lookup(again, "trainer.schedule").origin()).isEqualTo("values/extra.yaml:3:5");
    assertThat(lookup(again, "trainer.schedule.steps").origin())
        .isEqualTo("values/extra.yaml:3:12");
  }

  @Test
  void shouldReplaceAMappingWithAScalarFromSet() {
    Values merged = BASE.overlay(Values.fromAssignments(List.of("trainer=off")));

    assertThat(lookup(merged, "trainer").value().asText()).isEqualTo("off");
    assertThat(lookup(merged, "trainer").origin()).isEqualTo("--set trainer=off");
    assertThat(lookup(merged, "trainer.lr").found()).isFalse();
  }

  @Test
  void shouldRecordAnOriginForEveryListItem() {
    assertThat(lookup(BASE, "tags").origin()).isEqualTo("values/common.yaml:5:7");
    assertThat(BASE.lookup(List.of()).value().has("trainer")).isTrue();
  }

  @Test
  void shouldNotChangeALayerWhenOverlaying() {
    BASE.overlay(PRODUCTION);

    assertThat(lookup(BASE, "TIMEOUT").value().intValue()).isEqualTo(1000);
    JsonNode tree = BASE.asTree();
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("TIMEOUT", 1);
    assertThat(lookup(BASE, "TIMEOUT").value().intValue()).isEqualTo(1000);
  }

  @Test
  void shouldTypeSetValuesAsYamlScalars() {
    Values set =
        Values.fromAssignments(
            List.of(
                "int=5000",
                "float=0.5",
                "bool=true",
                "no=NO",
                "null=null",
                "empty=",
                "hex=0x10",
                "date=2024-01-01",
                "text=hello world",
                "list=[1,2]",
                "eq=a=b"));

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(lookup(set, "int").value().isInt()).isTrue();
    softly.assertThat(lookup(set, "float").value().isDouble()).isTrue();
    softly.assertThat(lookup(set, "bool").value().isBoolean()).isTrue();
    softly.assertThat(lookup(set, "no").value().isTextual()).isTrue();
    softly.assertThat(lookup(set, "null").value().isNull()).isTrue();
    softly.assertThat(lookup(set, "empty").value().isNull()).isTrue();
    softly.assertThat(lookup(set, "hex").value().intValue()).isEqualTo(16);
    softly.assertThat(lookup(set, "date").value().asText()).isEqualTo("2024-01-01");
    softly.assertThat(lookup(set, "text").value().asText()).isEqualTo("hello world");
    // flow collections are not parsed: a --set value is one scalar
    softly.assertThat(lookup(set, "list").value().asText()).isEqualTo("[1,2]");
    softly.assertThat(lookup(set, "eq").value().asText()).isEqualTo("a=b");
    softly.assertThat(lookup(set, "eq").origin()).isEqualTo("--set eq=a=b");
    softly.assertAll();
  }

  @Test
  void shouldBuildNestedValuesFromDottedSetKeys() {
    Values set = Values.fromAssignments(List.of("a.b.c=1", "a.b.d=2", "a.x=3"));

    assertThat(set.asTree().toString()).isEqualTo("{\"a\":{\"b\":{\"c\":1,\"d\":2},\"x\":3}}");
    // a mapping keeps the origin of the assignment that created it; later ones merge into it
    assertThat(lookup(set, "a.b").origin()).isEqualTo("--set a.b.c=1");
    assertThat(lookup(set, "a.b.d").origin()).isEqualTo("--set a.b.d=2");
    assertThat(lookup(set, "a.b.c").origin()).isEqualTo("--set a.b.c=1");
  }

  @Test
  void shouldLetALaterSetWin() {
    Values set = Values.fromAssignments(List.of("a=1", "a=2"));

    assertThat(lookup(set, "a").value().intValue()).isEqualTo(2);
    assertThat(lookup(set, "a").origin()).isEqualTo("--set a=2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"noequals", "=value", ""})
  void shouldRejectSetWithoutKeyAndValue(String assignment) {
    assertThatThrownBy(() -> Values.fromAssignments(List.of(assignment)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--set expects key=value (for example --set trainer.lr=0.01), got '"
                + assignment
                + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a..b=1", ".a=1", "a.=1"})
  void shouldRejectAnEmptyKeySegment(String assignment) {
    String key = assignment.substring(0, assignment.indexOf('='));

    assertThatThrownBy(() -> Values.fromAssignments(List.of(assignment)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty name in value key '" + key + "'");
  }

  @Test
  void shouldReadOnlyNamedEnvironmentVariables() {
    Map<String, String> environment = Map.of("HOME", "/root", "TIMEOUT", "9000", "PORT", "80");

    Values values = Values.fromEnvironment(List.of("TIMEOUT", "UNSET"), environment);

    assertThat(values.asTree().toString()).isEqualTo("{\"TIMEOUT\":9000}");
    assertThat(lookup(values, "TIMEOUT").origin()).isEqualTo("environment variable TIMEOUT");
    assertThat(Values.fromEnvironment(List.of(), environment).asTree().isEmpty()).isTrue();
  }

  @Test
  void shouldReadDottedEnvironmentVariableNamesAsPaths() {
    Values values = Values.fromEnvironment(List.of("trainer.lr"), Map.of("trainer.lr", "0.3"));

    assertThat(lookup(values, "trainer.lr").value().doubleValue()).isEqualTo(0.3);
  }

  @Test
  void shouldRejectAValuesFileThatIsNotAMapping() {
    Throwable thrown = catchThrowable(() -> file("values/list.yaml", "# values\n- a\n- b\n"));

    assertThat(thrown).isInstanceOf(ConfigException.class);
    Diagnostic error = ((ConfigException) thrown).diagnostic();
    assertThat(error.position()).hasToString("values/list.yaml:2:1");
    assertThat(error.message()).startsWith("a values file must be a mapping of names to values");
  }

  @Test
  void shouldReadAnEmptyValuesFileAsNoValues() {
    assertThat(file("values/empty.yaml", "# nothing yet\n").asTree().isEmpty()).isTrue();
  }

  @Test
  void shouldLoadValuesFilesInOrderWithTheirDisplayNames() throws IOException {
    Path common =
        Files.writeString(directory.resolve("common.yaml"), "a: 1\nb: 1\n", StandardCharsets.UTF_8);
    Path prod =
        Files.writeString(
            directory.resolve("prod.json"), "{\n  \"b\": 2\n}\n", StandardCharsets.UTF_8);

    Values values =
        new ValuesFiles(LoadLimits.DEFAULT)
            .loadAll(
                List.of(
                    new ValuesFiles.NamedPath(common, "values/common.yaml"),
                    new ValuesFiles.NamedPath(prod, "values/prod.json")));

    assertThat(lookup(values, "a").origin()).isEqualTo("values/common.yaml:1:4");
    assertThat(lookup(values, "b").value().intValue()).isEqualTo(2);
    assertThat(lookup(values, "b").origin()).isEqualTo("values/prod.json:2:8");
  }

  @Test
  void shouldRefuseAHostileValuesFileWithItsName() throws IOException {
    Path bomb =
        Files.writeString(directory.resolve("bomb.yaml"), "a: 1\na: 2\n", StandardCharsets.UTF_8);

    Throwable thrown =
        catchThrowable(() -> new ValuesFiles(LoadLimits.DEFAULT).load(bomb, "values/bomb.yaml"));

    assertThat(((ConfigException) thrown).diagnostic().toString())
        .isEqualTo(
            "values/bomb.yaml:2:1: duplicate key 'a' (first defined at values/bomb.yaml:1:1); remove one of them");
  }
}
