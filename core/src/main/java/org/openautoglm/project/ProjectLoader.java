package org.openautoglm.project;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.document.JsonPointers;
import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.schema.ConfigSchema;
import org.openautoglm.config.schema.SchemaLoader;
import org.openautoglm.config.schema.Violation;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.config.source.SourcePosition;
import org.openautoglm.deploy.DeployerConfig;
import org.openautoglm.deploy.HealthCheck;
import org.openautoglm.notify.Notifier;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.TrainingSpecReader;

/**
 * Reads {@code autoglm.yaml}, checking it against the descriptor's own schema so that a mistake in
 * it is reported at its line like any other config error.
 */
public final class ProjectLoader {
  private static final String SCHEMA_RESOURCE = "autoglm-project.schema.json";

  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final LoadLimits limits;
  private final DocumentParser parser;
  private final ConfigSchema schema;

  public ProjectLoader(LoadLimits limits) {
    this.limits = limits;
    this.parser = new DocumentParser(limits);
    this.schema = new SchemaLoader(limits).compile(new SourceFile(SCHEMA_RESOURCE, schemaText()));
  }

  /**
   * Loads a descriptor.
   *
   * @throws ConfigException when it cannot be read or breaks the descriptor schema
   */
  public ProjectDescriptor load(Path descriptor) {
    return load(descriptor, SourceFile.read(descriptor, descriptor.toString(), limits));
  }

  /**
   * Loads a descriptor whose text was read elsewhere: on a Jenkins agent, whose files the
   * controller cannot open.
   *
   * @param descriptor where the descriptor lives; relative paths in it are resolved against its
   *     directory
   * @param source its text, named as messages should name it
   * @throws ConfigException when it is larger than the limit or breaks the descriptor schema
   */
  public ProjectDescriptor load(Path descriptor, SourceFile source) {
    if (source.text().length() > limits.maxBytes()) {
      throw ConfigException.forFile(
          source.name(),
          "file is larger than the limit of " + limits.maxBytes() + " bytes; split it");
    }
    PositionedDocument document = parser.parse(source);
    List<Violation> violations = schema.validate(document.root());
    if (!violations.isEmpty()) {
      Violation first = violations.get(0);
      throw new ConfigException(
          source.position(
              first.atKey()
                  ? document.offsetForReport(first.pointer())
                  : document.span(first.pointer()).start()),
          (first.pointer().isEmpty() ? "" : first.pointer() + ": ")
              + first.message()
              + " (in the project descriptor; see docs/validation.md)");
    }
    JsonNode root = document.root();
    List<ProjectDescriptor.ConfigFile> configs = new ArrayList<>();
    for (JsonNode config : root.get("configs")) {
      configs.add(
          new ProjectDescriptor.ConfigFile(
              config.get("file").asText(),
              config.has("schema") ? config.get("schema").asText() : null));
    }
    Function<String, SourcePosition> positions =
        pointer -> source.position(document.offsetForReport(pointer));
    List<ProjectDescriptor.Environment> environments = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int index = 0;
    for (JsonNode environment : root.path("environments")) {
      String name = environment.get("name").asText();
      if (!seen.add(name)) {
        String pointer = JsonPointers.child(JsonPointers.child("/environments", index), "name");
        throw new ConfigException(
            source.position(document.span(pointer).start()),
            "environment '" + name + "' is defined twice; names must be unique");
      }
      environments.add(environment(environment, "/environments/" + index, name, positions));
      index++;
    }
    List<String> mayDiffer = new ArrayList<>();
    for (JsonNode pointer : root.path("consistency").path("mayDiffer")) {
      mayDiffer.add(pointer.asText());
    }
    TrainingSpec training =
        root.has("training")
            ? new TrainingSpecReader(pointer -> source.position(document.offsetForReport(pointer)))
                .read(root.get("training"), "/training", root.get("name").asText())
            : null;
    return new ProjectDescriptor(
        descriptor,
        root.get("name").asText(),
        root.path("description").asText(""),
        List.copyOf(configs),
        files(root.get("values")),
        List.copyOf(environments),
        List.copyOf(mayDiffer),
        training,
        registry(root.path("registry")),
        Notifier.read(map(root.get("notifications")), "/notifications", positions));
  }

  private static ProjectDescriptor.Environment environment(
      JsonNode node, String pointer, String name, Function<String, SourcePosition> positions) {
    List<String> requires = new ArrayList<>();
    node.path("requires").forEach(required -> requires.add(required.asText()));
    Map<String, String> parameters = new TreeMap<>();
    node.path("parameters")
        .properties()
        .forEach(entry -> parameters.put(entry.getKey(), entry.getValue().asText()));
    JsonNode rollback = node.path("rollback");
    return new ProjectDescriptor.Environment(
        name,
        files(node.get("values")),
        List.copyOf(requires),
        node.path("approvals").asInt(0),
        DeployerConfig.read(map(node.get("deploy")), pointer + "/deploy", positions),
        HealthCheck.read(map(node.get("healthCheck")), pointer + "/healthCheck", positions),
        rollback.has("timeout")
            ? new TrainingSpecReader(positions)
                .duration(rollback.get("timeout"), pointer + "/rollback/timeout")
            : Duration.ofSeconds(300),
        rollback.path("automatic").asBoolean(true),
        node.has("image") ? node.get("image").asText() : null,
        parameters);
  }

  private static ProjectDescriptor.RegistryLocation registry(JsonNode node) {
    if (node.isMissingNode()) {
      return ProjectDescriptor.RegistryLocation.DEFAULT;
    }
    return new ProjectDescriptor.RegistryLocation(
        node.path("path").asText(ProjectDescriptor.RegistryLocation.DEFAULT.path()),
        node.has("remote") ? node.get("remote").asText() : null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> map(JsonNode node) {
    return node == null || node.isNull() ? null : MAPPER.convertValue(node, Map.class);
  }

  private static List<String> files(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isTextual()) {
      return List.of(node.asText());
    }
    List<String> files = new ArrayList<>();
    node.forEach(file -> files.add(file.asText()));
    return List.copyOf(files);
  }

  private static String schemaText() {
    try (InputStream in = ProjectLoader.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + SCHEMA_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
