package io.jenkins.plugins.autoglm;

import hudson.console.ConsoleLogFilter;
import hudson.console.LineTransformationOutputStream;
import hudson.model.Run;
import hudson.util.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the wrapper's secrets in the build log, in every form {@link SecretForms} knows.
 *
 * <p>In a Pipeline the filter is made after the wrapper has bound its credentials and may travel to
 * an agent (with the {@code sh} steps' output), so it carries its pattern, as a {@link Secret}. In
 * a freestyle job Jenkins decorates the log before the wrapper runs, so the filter looks the
 * secrets up by build when the first line comes after them.
 */
final class SecretMasker extends ConsoleLogFilter implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String MASK = "****";
  private static final Map<String, Set<String>> SECRETS_BY_BUILD = new ConcurrentHashMap<>();

  private final String build;
  private final Secret pattern;

  private SecretMasker(String build, Secret pattern) {
    this.build = build;
    this.pattern = pattern;
  }

  /** The filter for a build: with its pattern when its secrets are known already. */
  static SecretMasker of(Run<?, ?> run) {
    Set<String> secrets = SECRETS_BY_BUILD.get(run.getExternalizableId());
    Pattern known = secrets == null ? null : SecretForms.pattern(secrets);
    return new SecretMasker(
        run.getExternalizableId(), known == null ? null : Secret.fromString(known.pattern()));
  }

  static void register(Run<?, ?> run, Collection<String> secrets) {
    SECRETS_BY_BUILD
        .computeIfAbsent(run.getExternalizableId(), id -> ConcurrentHashMap.newKeySet())
        .addAll(secrets);
  }

  static void forget(Run<?, ?> run) {
    SECRETS_BY_BUILD.remove(run.getExternalizableId());
  }

  @Override
  public OutputStream decorateLogger(Run build, OutputStream logger) {
    Supplier<Pattern> lookup =
        pattern != null
            ? () -> Pattern.compile(pattern.getPlainText())
            : () -> {
              Set<String> secrets = SECRETS_BY_BUILD.get(this.build);
              return secrets == null ? null : SecretForms.pattern(List.copyOf(secrets));
            };
    return new MaskingStream(logger, lookup);
  }

  /** Rewrites each line with every match replaced; lines without secrets pass byte for byte. */
  static final class MaskingStream extends LineTransformationOutputStream.Delegating {
    private final Supplier<Pattern> lookup;
    private Pattern secrets;

    MaskingStream(OutputStream out, Supplier<Pattern> lookup) {
      super(out);
      this.lookup = lookup;
    }

    @Override
    protected void eol(byte[] bytes, int length) throws IOException {
      if (secrets == null) {
        secrets = lookup.get(); // null until the wrapper has bound something: look again later
      }
      if (secrets == null) {
        out.write(bytes, 0, length);
        return;
      }
      String line = new String(bytes, 0, length, StandardCharsets.UTF_8);
      Matcher matcher = secrets.matcher(line);
      if (matcher.find()) {
        out.write(matcher.replaceAll(MASK).getBytes(StandardCharsets.UTF_8));
      } else {
        out.write(bytes, 0, length);
      }
    }
  }
}
