package org.openautoglm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectDigests;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.RegistryJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoglm register}: record a trained model as the next version in the registry. */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description = {
      "Register a trained model as the next model version.",
      "The artifact's sha256 is computed from the file (or given with --sha256 for a remote URI);"
          + " the config digest covers the project's config templates and values files."
    },
    footer = {"", "Exit codes: 0 registered, 2 usage error or unreadable artifact."})
final class RegisterCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin PromotionOptions options;

  @Option(
      names = "--artifact",
      required = true,
      paramLabel = "PATH|URI",
      description = "The model artifact: a local file or a URI (s3://, gs://, file://).")
  String artifact;

  @Option(
      names = "--sha256",
      paramLabel = "HEX",
      description = "The artifact's SHA-256 (required for remote URIs).")
  String sha256;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "The image the model was trained in (default: training.image).")
  String image;

  @Option(
      names = "--run",
      paramLabel = "ID",
      description =
          "The training run that produced it; without --metric, its final metrics are recorded.")
  String run;

  @Option(
      names = "--metric",
      paramLabel = "NAME=VALUE",
      description = "A result metric (repeatable).")
  Map<String, Double> metrics = new LinkedHashMap<>();

  @Option(
      names = "--commit",
      paramLabel = "SHA",
      description = "The source commit it was trained from.")
  String commit;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  TrainCommand.OutputFormat format = TrainCommand.OutputFormat.text;

  @Override
  public Integer call() throws IOException {
    ProjectDescriptor project = options.loadProject();
    String uri;
    String digest = sha256;
    Path local =
        artifact.contains("://") && !artifact.startsWith("file:") ? null : localPath(artifact);
    if (local != null) {
      if (!Files.isRegularFile(local)) {
        throw new IllegalArgumentException("artifact " + local + " not found");
      }
      uri = local.toAbsolutePath().normalize().toUri().toString();
      String computed = sha256(local);
      if (digest != null && !digest.equalsIgnoreCase(computed)) {
        throw new IllegalArgumentException(
            "--sha256 " + digest + " does not match the artifact's " + computed);
      }
      digest = computed;
    } else {
      uri = artifact;
      if (digest == null) {
        throw new IllegalArgumentException("a remote artifact needs --sha256");
      }
    }
    String trainingImage =
        image != null ? image : project.training() == null ? null : project.training().image();
    Map<String, Double> results = metrics;
    if (results.isEmpty() && run != null) {
      results = RunStores.finalMetrics(options.runStore(project), run);
    }
    try (Registry registry = options.openRegistry(project)) {
      ModelVersion version =
          registry.register(
              ModelVersion.draft(
                  uri,
                  digest.toLowerCase(java.util.Locale.ROOT),
                  trainingImage,
                  configDigest(project),
                  run,
                  results,
                  commit,
                  options.actor().user()));
      if (format == TrainCommand.OutputFormat.json) {
        spec.commandLine().getOut().println(RegistryJson.version(version).toPrettyString());
      } else {
        spec.commandLine()
            .getOut()
            .println(
                "registered v"
                    + version.number()
                    + " ("
                    + uri
                    + ", sha256:"
                    + version.sha256().substring(0, 12)
                    + "…)");
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  private static Path localPath(String artifact) {
    return artifact.startsWith("file:")
        ? Path.of(java.net.URI.create(artifact))
        : Path.of(artifact);
  }

  /** The digest of every config template and values file of the project, in path order. */
  static String configDigest(ProjectDescriptor project) throws IOException {
    return ProjectDigests.configDigest(project);
  }

  static String sha256(Path file) throws IOException {
    return ProjectDigests.sha256(file);
  }
}
