package org.openautoglm.bench.ui;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code java <options> -jar autoglm.jar ui … --port 0} in a process of its own, the address it
 * prints, and its heap and allocation read through the JVM's local management agent (started by
 * attaching to the process, as {@code jcmd <pid> ManagementAgent.start_local} would).
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("dashboard on (http://\\S+)");

  /**
   * Pause lines of {@code -Xlog:gc}: {@code GC(3) Pause Young (Allocation Failure) 17M->3M(61M)}.
   */
  private static final Pattern PAUSE =
      Pattern.compile(
          "GC\\(\\d+\\) Pause (Young|Full)[^)]*\\)[^0-9]*(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private final Process process;
  private final URI uri;
  private final Path gcLog;
  private final List<String> output = new ArrayList<>();
  private JMXConnector connector;
  private MemoryMXBean memory;
  private ThreadMXBean threads;

  private ServerProcess(Process process, URI uri, Path gcLog) {
    this.process = process;
    this.uri = uri;
    this.gcLog = gcLog;
  }

  static ServerProcess start(
      Path jar,
      List<String> jvmOptions,
      Path project,
      Path registry,
      Path runs,
      Path gcLog,
      Path log)
      throws IOException, InterruptedException, TimeoutException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Xlog:gc:file=" + gcLog);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "ui",
            "--project",
            project.toString(),
            "--registry",
            registry.toString(),
            "--runs",
            runs.toString(),
            "--port",
            "0"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("AUTOGLM_TOKENS");
    builder.environment().remove("AUTOGLM_POLICY");
    Process process = builder.start();
    CompletableFuture<URI> address = new CompletableFuture<>();
    List<String> lines = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                  Files.writeString(
                      log,
                      line + "\n",
                      StandardCharsets.UTF_8,
                      java.nio.file.StandardOpenOption.CREATE,
                      java.nio.file.StandardOpenOption.APPEND);
                  Matcher m = URL.matcher(line);
                  if (m.find()) {
                    address.complete(URI.create(m.group(1)));
                  }
                }
              } catch (IOException e) {
                address.completeExceptionally(e);
              }
              address.completeExceptionally(
                  new IOException("the server ended without printing its address: " + lines));
            },
            "server-output");
    reader.setDaemon(true);
    reader.start();
    URI uri;
    try {
      uri = address.get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw e;
    }
    ServerProcess server = new ServerProcess(process, uri, gcLog);
    synchronized (lines) {
      server.output.addAll(lines);
    }
    return server;
  }

  URI uri() {
    return uri;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Connects to the server's platform MBeans (starts its local management agent). */
  void attach() throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
    MBeanServerConnection connection = connector.getMBeanServerConnection();
    memory =
        ManagementFactory.newPlatformMXBeanProxy(
            connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    threads =
        ManagementFactory.newPlatformMXBeanProxy(
            connection, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
  }

  /** Used heap after two full collections ({@code System.gc()}, as {@code jcmd GC.run}), bytes. */
  long liveHeap() throws InterruptedException {
    memory.gc();
    Thread.sleep(100);
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  long maxHeap() {
    return memory.getHeapMemoryUsage().getMax();
  }

  /**
   * Bytes allocated so far by the threads that serve HTTP (the JDK server's dispatcher and the
   * {@code autoglm-ui} pool), by thread id. The management agent's own threads are left out.
   */
  Map<Long, Long> servingAllocation() {
    long[] ids = threads.getAllThreadIds();
    java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
    long[] allocated = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> byThread = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null || allocated[i] < 0) {
        continue;
      }
      String name = infos[i].getThreadName();
      if (name.equals("autoglm-ui") || name.startsWith("HTTP-Dispatcher")) {
        byThread.put(ids[i], allocated[i]);
      }
    }
    return byThread;
  }

  static long allocatedBetween(Map<Long, Long> before, Map<Long, Long> after) {
    long sum = 0;
    for (Map.Entry<Long, Long> thread : after.entrySet()) {
      sum += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
    }
    return sum;
  }

  /** What {@code -Xlog:gc} wrote: pauses, and the largest heap occupancy seen before one. */
  record GcSummary(int young, int full, long peakBeforeMb, long committedMb) {}

  GcSummary gcSummary() throws IOException {
    int young = 0;
    int full = 0;
    long peak = 0;
    long committed = 0;
    if (!Files.exists(gcLog)) {
      return new GcSummary(0, 0, 0, 0);
    }
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        if (m.group(1).equals("Young")) {
          young++;
        } else {
          full++;
        }
        peak = Math.max(peak, Long.parseLong(m.group(2)));
        committed = Math.max(committed, Long.parseLong(m.group(4)));
      }
    }
    return new GcSummary(young, full, peak, committed);
  }

  @Override
  public void close() throws InterruptedException {
    if (connector != null) {
      try {
        connector.close();
      } catch (IOException e) {
        // the server goes anyway
      }
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
