package io.jenkins.plugins.autoglm;

import hudson.security.csrf.CrumbIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.openautoglm.dashboard.DashboardAssets;

/**
 * Serves the dashboard app (module {@code autoglm-dashboard}, the same files as {@code autoglm ui})
 * under a job's AutoGLM page: the page with its settings, and its three assets. Every URL in the
 * app is relative, so the page must be served at a URL ending in {@code /} (Stapler redirects
 * {@code .../autoglm} to {@code .../autoglm/} before the action sees the request).
 */
final class DashboardPage {
  /**
   * The policy the app is written for (no inline script, nothing from elsewhere), as the CLI's
   * server sends it; used only where Jenkins did not set a policy of its own.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
          + " data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors"
          + " 'self'; form-action 'none'";

  private static final Map<String, String> ETAGS = new ConcurrentHashMap<>();

  private DashboardPage() {}

  /**
   * The app's page, reading the REST API at {@code api} (relative to the page), authenticated by
   * the Jenkins session, with the session's CSRF crumb for its POSTs when a crumb issuer is on.
   */
  static void index(StaplerRequest2 request, StaplerResponse2 response, String api)
      throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("api", api);
    settings.put("auth", "session");
    CrumbIssuer issuer = Jenkins.get().getCrumbIssuer();
    if (issuer != null) {
      settings.put("crumb-header", issuer.getCrumbRequestField());
      settings.put("crumb", issuer.getCrumb(request));
    }
    byte[] page = DashboardAssets.indexHtml(settings).getBytes(StandardCharsets.UTF_8);
    DashboardAssets.Asset asset = DashboardAssets.find(DashboardAssets.INDEX).orElseThrow();
    headers(response, asset);
    // the page carries this session's crumb: never kept by a cache
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(page.length);
    response.getOutputStream().write(page);
  }

  /**
   * {@code assets/<file>}: one of the app's files, and nothing else from the classpath ({@link
   * DashboardAssets#find} knows only its own files). Revalidated on every use by its ETag.
   */
  static void asset(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
    String rest = request.getRestOfPath();
    Optional<DashboardAssets.Asset> found =
        rest.isEmpty() ? Optional.empty() : DashboardAssets.find("assets" + rest);
    if (found.isEmpty()) {
      response.sendError(404);
      return;
    }
    DashboardAssets.Asset asset = found.get();
    byte[] bytes = asset.bytes();
    String etag = ETAGS.computeIfAbsent(asset.resource(), resource -> etag(bytes));
    headers(response, asset);
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("ETag", etag);
    if (etag.equals(request.getHeader("If-None-Match"))) {
      response.setStatus(304);
      return;
    }
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  private static void headers(StaplerResponse2 response, DashboardAssets.Asset asset) {
    response.setContentType(asset.contentType());
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "same-origin");
    response.setHeader("X-Frame-Options", "SAMEORIGIN");
    // Newer Jenkins sets its own policy before the request gets here; the app needs nothing beyond
    // 'self', so that one stands.
    if (!response.containsHeader("Content-Security-Policy")) {
      response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
