package ai.mint.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Records every child process this JVM starts while it watches, even one that is gone again by the end: it polls the
 * children every 20 ms (a registry child lives for seconds, so none slips through).
 */
final class ChildProcessWatch {

    private final Set<Long> before;
    private final Map<Long, String> started = new LinkedHashMap<>();
    private final Thread poller;
    private volatile boolean watching = true;

    private ChildProcessWatch() {
        before = childPids();
        poller = new Thread(this::poll, "test-child-process-watch");
        poller.setDaemon(true);
    }

    static ChildProcessWatch start() {
        ChildProcessWatch watch = new ChildProcessWatch();
        watch.poller.start();
        return watch;
    }

    /** Stops watching; the children that appeared meanwhile, as {@code pid command}. */
    List<String> stop() throws InterruptedException {
        watching = false;
        poller.join();
        synchronized (started) {
            return started.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
        }
    }

    private void poll() {
        while (watching) {
            ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).forEach(p -> {
                synchronized (started) {
                    started.putIfAbsent(p.pid(), p.info().commandLine().orElse("(command unknown)"));
                }
            });
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
