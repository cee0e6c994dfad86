package org.openautoglm.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DashboardAssetsTest {

  @ParameterizedTest
  @ValueSource(strings = {"index.html", "assets/app.js", "assets/app.css", "assets/echarts.min.js"})
  void shouldServeEveryFileOfTheAppFromTheJar(String path) {
    DashboardAssets.Asset asset = DashboardAssets.find(path).orElseThrow();

    assertThat(asset.bytes()).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "assets/",
        "assets/../index.html",
        "../pom.xml",
        "org/openautoglm/dashboard/app.js",
        "META-INF/MANIFEST.MF",
        "assets/echarts.js",
        "/index.html"
      })
  void shouldFindNothingButTheListedFiles(String path) {
    assertThat(DashboardAssets.find(path)).isEmpty();
  }

  @Test
  void shouldBundleEchartsSoThatNothingIsFetchedFromTheInternet() {
    String echarts =
        new String(
            DashboardAssets.find("assets/echarts.min.js").orElseThrow().bytes(),
            StandardCharsets.UTF_8);

    assertThat(echarts).contains("echarts").hasSizeGreaterThan(500_000);
  }

  @Test
  void shouldLoadOnlyItsOwnFilesWithRelativeUrls() {
    String page = DashboardAssets.indexHtml(Map.of());

    assertThat(page)
        .contains("src=\"assets/app.js\"", "src=\"assets/echarts.min.js\"")
        .doesNotContain("http://", "https://", "<script>", "onclick=", "onload=");
  }

  @Test
  void shouldPutTheHostsSettingsIntoMetaTagsEscaped() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("api", "rest");
    settings.put("crumb", "\"><script>alert(1)</script>");

    String page = DashboardAssets.indexHtml(settings);

    assertThat(page)
        .contains("<meta name=\"autoglm-api\" content=\"rest\">")
        .contains(
            "<meta name=\"autoglm-crumb\" content=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">")
        .doesNotContain("<script>alert(1)")
        .doesNotContain("<!--autoglm-settings-->");
  }

  @Test
  void shouldDeclareTheContentTypeOfEachFile() {
    assertThat(DashboardAssets.find("index.html").orElseThrow().contentType())
        .startsWith("text/html");
    assertThat(DashboardAssets.find("assets/app.js").orElseThrow().contentType())
        .startsWith("text/javascript");
    assertThat(DashboardAssets.find("assets/app.css").orElseThrow().contentType())
        .startsWith("text/css");
  }
}
