package io.jenkins.plugins.autoglm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import jenkins.security.MasterToSlaveCallable;

/** A free TCP port on the agent's loopback, for rank 0's rendezvous. */
final class FreePort extends MasterToSlaveCallable<Integer, IOException> {
  private static final long serialVersionUID = 1L;

  @Override
  public Integer call() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
