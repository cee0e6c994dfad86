package org.openautoglm.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's files, served from the classpath by whoever mounts the app: the CLI's {@code ui}
 * server at {@code /}, a Jenkins action at its URL. Only the files listed here exist; a request for
 * anything else (including {@code ../} tricks) finds nothing, so no server can be talked into
 * serving other classpath resources.
 *
 * <p>The page reads where the API is, how to authenticate and the CSRF crumb from {@code <meta>}
 * tags that the host fills in through {@link #indexHtml(Map)}, so one page works under both hosts.
 */
public final class DashboardAssets {
  /** Path of the page inside the app, relative to where it is mounted. */
  public static final String INDEX = "index.html";

  private static final String OWN = "/org/openautoglm/dashboard/";
  private static final String ECHARTS =
      "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

  private static final Map<String, Asset> FILES =
      Map.of(
          INDEX,
          new Asset(OWN + "index.html", "text/html; charset=utf-8"),
          "assets/app.js",
          new Asset(OWN + "app.js", "text/javascript; charset=utf-8"),
          "assets/app.css",
          new Asset(OWN + "app.css", "text/css; charset=utf-8"),
          "assets/echarts.min.js",
          new Asset(ECHARTS, "text/javascript; charset=utf-8"));

  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private DashboardAssets() {}

  /** A file of the app: where it is on the classpath and its media type. */
  public record Asset(String resource, String contentType) {
    /** The file's bytes (read once, then cached). */
    public byte[] bytes() {
      return CACHE.computeIfAbsent(resource, DashboardAssets::read);
    }
  }

  /**
   * The asset at {@code path} (relative to the app's root, e.g. {@code assets/app.js}), or empty.
   */
  public static Optional<Asset> find(String path) {
    return Optional.ofNullable(FILES.get(path));
  }

  /**
   * The page with its settings filled in. Known keys: {@code api} (base URL of the REST API,
   * relative to the page, default {@code api}), {@code auth} ({@code bearer}: the page asks for a
   * token; {@code session}: the host's login applies), {@code crumb-header} and {@code crumb} (a
   * CSRF crumb to send with every POST). Values are HTML-escaped here.
   */
  public static String indexHtml(Map<String, String> settings) {
    String page = new String(FILES.get(INDEX).bytes(), StandardCharsets.UTF_8);
    StringBuilder meta = new StringBuilder();
    settings.forEach(
        (key, value) ->
            meta.append("<meta name=\"autoglm-")
                .append(escape(key))
                .append("\" content=\"")
                .append(escape(value))
                .append("\">\n    "));
    return page.replace("<!--autoglm-settings-->", meta.toString());
  }

  /** HTML-escapes text for an attribute value or element content. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static byte[] read(String resource) {
    try (InputStream in = DashboardAssets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "the dashboard resource " + resource + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard resource " + resource, e);
    }
  }
}
