package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Rendered config files laid out as ConfigMap keys and, where a file name is not a valid key
 * ({@code configs/train.yaml}), as volume items that put the key back at its relative path.
 *
 * @param data ConfigMap keys and contents, sorted by key
 * @param items key-to-path items for the volume; empty when every file name is its own key
 */
record ConfigMapFiles(SortedMap<String, String> data, List<KeyToPath> items) {
  /** What a ConfigMap holds at most (keys and values), a limit the API server enforces. */
  static final int MAX_BYTES = 1024 * 1024;

  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
  private static final Pattern NOT_KEY = Pattern.compile("[^-._a-zA-Z0-9]");

  static ConfigMapFiles of(Map<String, String> files) {
    SortedMap<String, String> sorted = new TreeMap<>();
    files.forEach(
        (path, content) -> {
          checkPath(path);
          if (content == null) {
            throw new IllegalArgumentException("rendered config '" + path + "' has no content");
          }
          sorted.put(path, content);
        });
    Set<String> used = new HashSet<>();
    sorted.keySet().stream().filter(ConfigMapFiles::isKey).forEach(used::add);
    SortedMap<String, String> data = new TreeMap<>();
    List<KeyToPath> items = new ArrayList<>();
    boolean mapped = false;
    long bytes = 0;
    for (Map.Entry<String, String> file : sorted.entrySet()) {
      String path = file.getKey();
      String key = path;
      if (!isKey(path)) {
        mapped = true;
        key = NOT_KEY.matcher(path).replaceAll("_");
        key = key.substring(0, Math.min(key.length(), 200));
        if (!used.add(key)) {
          key = key + "-" + KubernetesNames.hash(path);
          used.add(key);
        }
      }
      data.put(key, file.getValue());
      items.add(new KeyToPathBuilder().withKey(key).withPath(path).build());
      bytes +=
          key.getBytes(StandardCharsets.UTF_8).length
              + file.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "the rendered configs take "
              + bytes
              + " bytes, more than the "
              + MAX_BYTES
              + " a ConfigMap holds; keep large files (data, weights) on a volume instead");
    }
    return new ConfigMapFiles(data, mapped ? List.copyOf(items) : List.of());
  }

  private static boolean isKey(String path) {
    return KEY.matcher(path).matches() && !path.startsWith("..") && !path.equals(".");
  }

  private static void checkPath(String path) {
    String problem = null;
    if (path == null || path.isEmpty()) {
      problem = "is empty";
    } else if (path.startsWith("/")) {
      problem = "is absolute";
    } else if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
      problem = "contains a control character or a backslash";
    } else {
      for (String segment : path.split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.startsWith("..")) {
          problem = "has an empty, '.' or '..' path element";
          break;
        }
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "rendered config name '"
              + path
              + "' "
              + problem
              + "; name configs by a relative path such as train.yaml or configs/train.yaml");
    }
  }
}
