package org.openautoglm.training.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names of a run's Kubernetes objects, made valid from whatever a user wrote and unique per run.
 *
 * <p>A Job of {@code n} pods names its pods {@code <job>-<index>-<5 random>} and gives them the
 * hostname {@code <job>-<index>}; both must stay within a DNS label (63 characters), and the
 * Service that shares the Job's name must be a DNS-1035 label (it starts with a letter). So a name
 * is lower-cased, every run of characters outside {@code [a-z0-9]} becomes one hyphen, it is cut to
 * leave room for the index and the random suffix, and it ends with a hash of the run id: two runs
 * of one project never share a name, and one run always gets the same name.
 */
public final class KubernetesNames {
  /** Longest DNS-1123 label: Service names, label values, hostnames. */
  public static final int MAX_LABEL = 63;

  /**
   * Longest Job name: {@code <job>-<index>-<5 random>} with a five-digit index (more nodes than any
   * cluster has) still fits in {@link #MAX_LABEL}.
   */
  public static final int MAX_JOB_NAME = MAX_LABEL - "-99999".length() - "-xxxxx".length();

  /** Characters of the run-id hash that end every name. */
  public static final int HASH_LENGTH = 8;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  private static final Pattern NOT_DNS = Pattern.compile("[^a-z0-9]+");
  private static final Pattern NOT_LABEL_VALUE = Pattern.compile("[^-A-Za-z0-9_.]+");
  private static final String DIGIT_PREFIX = "train-";
  private static final String EMPTY_NAME = "train";

  private KubernetesNames() {}

  /**
   * The name of a run's Job and of its headless Service: the sanitised workload name, then a hyphen
   * and {@link #HASH_LENGTH} hex digits of the run id's SHA-256.
   */
  public static String jobName(String name, String runId) {
    String suffix = "-" + hash(runId);
    return dnsLabel(name, MAX_JOB_NAME - suffix.length()) + suffix;
  }

  /** The name of the ConfigMap that holds a run's rendered configs. */
  public static String configMapName(String jobName) {
    return jobName + "-configs";
  }

  /** Rank 0's stable DNS name inside the namespace: {@code <job>-0.<service>}. */
  public static String masterAddress(String jobName, String serviceName) {
    return jobName + "-0." + serviceName;
  }

  /**
   * Text made into a DNS-1035 label of at most {@code maxLength} characters: lower case, runs of
   * other characters replaced by one hyphen, no hyphen at either end, a letter first ({@code
   * train-} is put before a leading digit; {@code train} stands in for text with no letter or
   * digit).
   */
  public static String dnsLabel(String text, int maxLength) {
    if (maxLength < DIGIT_PREFIX.length() + 1 || maxLength > MAX_LABEL) {
      throw new IllegalArgumentException("a DNS label cannot be " + maxLength + " characters long");
    }
    String label = trimHyphens(NOT_DNS.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("-"));
    if (label.isEmpty()) {
      label = EMPTY_NAME;
    } else if (!Character.isLetter(label.charAt(0))) {
      label = DIGIT_PREFIX + label;
    }
    if (label.length() > maxLength) {
      label = trimHyphens(label.substring(0, maxLength));
    }
    return label;
  }

  /**
   * Text made into a label value: characters outside {@code [-A-Za-z0-9_.]} become hyphens, cut to
   * 63 characters, and letters or digits at both ends (empty when none is left).
   */
  public static String labelValue(String text) {
    String value = NOT_LABEL_VALUE.matcher(text).replaceAll("-");
    if (value.length() > MAX_LABEL) {
      value = value.substring(0, MAX_LABEL);
    }
    int start = 0;
    int end = value.length();
    while (start < end && !Character.isLetterOrDigit(value.charAt(start))) {
      start++;
    }
    while (end > start && !Character.isLetterOrDigit(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(start, end);
  }

  /** Whether {@code text} is a DNS-1123 label (namespaces, most object names). */
  public static boolean isDnsLabel(String text) {
    return text != null && DNS_LABEL.matcher(text).matches();
  }

  /** Whether {@code text} can be a label's value. */
  public static boolean isLabelValue(String text) {
    return text != null && LABEL_VALUE.matcher(text).matches();
  }

  /** {@link #HASH_LENGTH} lower-case hex digits of the SHA-256 of {@code text}. */
  public static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException(e);
    }
  }

  private static String trimHyphens(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) == '-') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == '-') {
      end--;
    }
    return text.substring(start, end);
  }
}
