package org.openautoglm.config;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.schema.ConfigSchema;
import org.openautoglm.config.schema.SchemaLoader;
import org.openautoglm.config.schema.Violation;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.config.template.RenderedTemplate;
import org.openautoglm.config.template.SourceMap;
import org.openautoglm.config.template.Template;
import org.openautoglm.config.template.TemplateParser;
import org.openautoglm.config.template.TemplateRenderer;

/**
 * Checks templated configs: render per environment, parse, validate against the schema, and compare
 * environments. Every problem is reported at its place in the template, all at once.
 *
 * <p>Each template and schema is read and parsed once, however many environments use it.
 */
public final class ConfigValidator {
  private static final int PARALLELISM = Runtime.getRuntime().availableProcessors();
  private static final ThreadFactory DAEMONS =
      runnable -> {
        Thread thread = new Thread(runnable, "autoglm-validate");
        thread.setDaemon(true);
        return thread;
      };

  private final LoadLimits limits;
  private final DocumentParser parser;
  private final SchemaLoader schemas;
  private final TemplateParser templates = new TemplateParser();
  private final TemplateRenderer renderer;

  public ConfigValidator(LoadLimits limits) {
    this.limits = limits;
    this.parser = new DocumentParser(limits);
    this.schemas = new SchemaLoader(limits);
    this.renderer = new TemplateRenderer(limits.maxBytes());
  }

  /**
   * Validates every target in every environment.
   *
   * @param mayDiffer JSON pointers whose values may differ between environments
   * @param checkConsistency whether to compare environments with each other
   */
  public ValidationReport validate(
      List<ConfigTarget> targets,
      List<EnvironmentValues> environments,
      List<String> mayDiffer,
      boolean checkConsistency) {
    List<FileReport> reports = new ArrayList<>();
    EnvironmentConsistency consistency = new EnvironmentConsistency(mayDiffer);
    // Files are independent: check them on every core, and report them in the order given.
    List<List<FileReport>> perTarget = new ArrayList<>();
    if (targets.size() < 2 || PARALLELISM < 2) {
      for (ConfigTarget target : targets) {
        perTarget.add(checkTarget(target, environments, consistency, checkConsistency));
      }
    } else {
      ExecutorService pool =
          Executors.newFixedThreadPool(Math.min(PARALLELISM, targets.size()), DAEMONS);
      try {
        List<Future<List<FileReport>>> futures = new ArrayList<>();
        for (ConfigTarget target : targets) {
          futures.add(
              pool.submit(() -> checkTarget(target, environments, consistency, checkConsistency)));
        }
        for (Future<List<FileReport>> future : futures) {
          perTarget.add(join(future));
        }
      } finally {
        pool.shutdownNow();
      }
    }
    perTarget.forEach(reports::addAll);
    return new ValidationReport(List.copyOf(reports));
  }

  private List<FileReport> checkTarget(
      ConfigTarget target,
      List<EnvironmentValues> environments,
      EnvironmentConsistency consistency,
      boolean checkConsistency) {
    List<FileReport> reports = new ArrayList<>();
    Template template;
    ConfigSchema schema;
    try {
      template = templates.parse(SourceFile.read(target.file(), target.displayName(), limits));
      schema =
          target.schema() == null
              ? null
              : schemas.load(target.schema(), target.schemaDisplayName());
    } catch (ConfigException e) {
      reports.add(new FileReport(target.displayName(), null, true, List.of(e.diagnostic()), null));
      return reports;
    }
    List<RenderedConfig> rendered = new ArrayList<>();
    for (EnvironmentValues environment : environments) {
      Outcome outcome = check(template, schema, environment);
      reports.add(outcome.report());
      if (outcome.config() != null && outcome.report().valid()) {
        rendered.add(outcome.config());
      }
    }
    if (checkConsistency && rendered.size() == environments.size() && rendered.size() > 1) {
      List<Diagnostic> drift = consistency.check(target.displayName(), rendered);
      if (!drift.isEmpty()) {
        reports.add(new FileReport(target.displayName(), null, false, drift, null));
      }
    }
    return reports;
  }

  private static List<FileReport> join(Future<List<FileReport>> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("validation was interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Renders and checks one target for one environment. */
  public FileReport render(ConfigTarget target, EnvironmentValues environment) {
    try {
      Template template =
          templates.parse(SourceFile.read(target.file(), target.displayName(), limits));
      ConfigSchema schema =
          target.schema() == null
              ? null
              : schemas.load(target.schema(), target.schemaDisplayName());
      return check(template, schema, environment).report();
    } catch (ConfigException e) {
      return new FileReport(
          target.displayName(), environment.name(), true, List.of(e.diagnostic()), null);
    }
  }

  private record Outcome(FileReport report, RenderedConfig config) {}

  private Outcome check(Template template, ConfigSchema schema, EnvironmentValues environment) {
    String file = template.source().name();
    RenderedTemplate rendered;
    try {
      rendered = renderer.render(template, environment.values());
    } catch (ConfigException e) {
      return new Outcome(
          new FileReport(file, environment.name(), true, List.of(e.diagnostic()), null), null);
    }
    SourceMap map = rendered.sourceMap();
    PositionedDocument document;
    try {
      document = parser.parse(rendered.output(), map);
    } catch (ConfigException e) {
      List<Diagnostic> errors = new ArrayList<>(rendered.errors());
      errors.add(e.diagnostic());
      return new Outcome(
          new FileReport(
              file, environment.name(), true, List.copyOf(errors), rendered.output().text()),
          null);
    }
    List<Diagnostic> errors = new ArrayList<>();
    for (int i = 0; i < rendered.errors().size(); i++) {
      Diagnostic error = rendered.errors().get(i);
      String pointer = document.pointerAt(rendered.errorOffsets().get(i));
      errors.add(
          pointer == null
              ? error
              : new Diagnostic(
                  error.file(),
                  error.line(),
                  error.column(),
                  pointer,
                  error.message(),
                  error.source()));
    }
    if (schema != null) {
      List<Violation> violations;
      try {
        violations = schema.validate(document.root());
      } catch (ConfigException e) {
        // the schema itself is wrong; its error, at its place in the schema file, is the answer
        return new Outcome(
            new FileReport(file, environment.name(), true, List.of(e.diagnostic()), null), null);
      }
      for (Violation violation : violations) {
        if (map.failedWithin(document.span(violation.pointer()))
            && document.root().at(violation.pointer()).isNull()) {
          continue; // the missing value behind this null is already reported
        }
        int offset =
            violation.atKey()
                ? document.offsetForReport(violation.pointer())
                : document.span(violation.pointer()).start();
        errors.add(
            Diagnostic.at(map.locate(offset), violation.pointer(), violation.message())
                .withSource(
                    violation.atKey()
                        ? null
                        : map.originWithin(document.span(violation.pointer()))));
      }
    }
    errors.sort(
        java.util.Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
    FileReport report =
        new FileReport(
            file, environment.name(), false, List.copyOf(errors), rendered.output().text());
    return new Outcome(report, new RenderedConfig(environment.name(), document, map));
  }
}
