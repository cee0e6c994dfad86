package org.openautoglm.registry;

import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * A Git repository the registry shares with others: every read fetches from it first, every write
 * is pushed to it with the expected old value of the ref, so it is the one source of truth and the
 * local repository is a cache of it.
 *
 * @param uri anything Git can push to: {@code https://…}, {@code ssh://…}, {@code git@host:…}, or
 *     the path of another bare repository
 * @param credentials how to authenticate (Jenkins supplies its credentials here), or {@code null}
 */
public record RegistryRemote(String uri, CredentialsProvider credentials) {
  public RegistryRemote {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("the registry remote needs a URI or path");
    }
  }

  /** A remote that needs no credentials (a path, or a URL the transport authenticates itself). */
  public static RegistryRemote of(String uri) {
    return new RegistryRemote(uri, null);
  }

  @Override
  public String toString() {
    // never show credentials that may be embedded in the URI
    return uri.replaceAll("//[^/@]*@", "//");
  }
}
