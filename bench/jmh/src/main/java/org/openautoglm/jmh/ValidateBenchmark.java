package org.openautoglm.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openautoglm.config.ConfigTarget;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.EnvironmentValues;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.schema.ConfigSchema;
import org.openautoglm.config.schema.SchemaLoader;
import org.openautoglm.config.schema.Violation;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.config.template.RenderedTemplate;
import org.openautoglm.config.template.TemplateParser;
import org.openautoglm.config.template.TemplateRenderer;
import org.openautoglm.config.values.Values;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Warm, in-process cost of validating one realistic training config (render, parse, schema check),
 * the work {@code autoglm validate} does per file once the JVM is up and the schema is compiled.
 *
 * <p>Inputs are the files bench/gen_configs.py writes (bench/jmh-bench.sh generates them); each
 * operation takes the next of them in turn, so the JIT sees varied documents, not one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ValidateBenchmark {
  /** Directory with train.schema.json and configs/*.yaml, relative to the working directory. */
  @Param("bench/work")
  public String dir;

  private static final LoadLimits LIMITS = LoadLimits.DEFAULT;
  private static final EnvironmentValues NO_ENVIRONMENT =
      new EnvironmentValues(null, Values.empty());

  private ConfigValidator validator;
  private ConfigTarget[] targets;
  private SourceFile[] sources;
  private ConfigSchema schema;
  private final TemplateParser templates = new TemplateParser();
  private final TemplateRenderer renderer = new TemplateRenderer(LIMITS.maxBytes());
  private final DocumentParser parser = new DocumentParser(LIMITS);
  private int next;

  @Setup
  public void setUp() throws IOException {
    Path base = Path.of(dir);
    Path schemaFile = base.resolve("train.schema.json");
    List<Path> files;
    try (Stream<Path> listing = Files.list(base.resolve("configs"))) {
      files = listing.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("no configs in " + base + "; run bench/jmh-bench.sh");
    }
    targets = new ConfigTarget[files.size()];
    sources = new SourceFile[files.size()];
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      targets[i] = new ConfigTarget(file, file.toString(), schemaFile, schemaFile.toString());
      sources[i] = SourceFile.read(file, file.toString(), LIMITS);
    }
    // As in the CLI: one validator per run, so the schema is compiled once and then cached.
    validator = new ConfigValidator(LIMITS);
    schema = new SchemaLoader(LIMITS).load(schemaFile, schemaFile.toString());
    ValidationReport first = validate();
    if (!first.valid()) {
      throw new IllegalStateException("the benchmark configs must be valid: " + first);
    }
  }

  /**
   * The CLI's per-file path: read the file, parse and render the template, parse the YAML with
   * positions, check it against the (cached) schema, build the report.
   */
  @Benchmark
  public ValidationReport validate() {
    ConfigTarget target = targets[next];
    next = next + 1 == targets.length ? 0 : next + 1;
    return validator.validate(List.of(target), List.of(NO_ENVIRONMENT), List.of(), false);
  }

  /** The same without file I/O and report: template, render, YAML with positions, schema. */
  @Benchmark
  public List<Violation> validateInMemory() {
    SourceFile source = sources[next];
    next = next + 1 == sources.length ? 0 : next + 1;
    RenderedTemplate rendered = renderer.render(templates.parse(source), Values.empty());
    PositionedDocument document = parser.parse(rendered.output(), rendered.sourceMap());
    return schema.validate(document.root());
  }
}
