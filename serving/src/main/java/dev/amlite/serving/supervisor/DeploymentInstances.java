package dev.amlite.serving.supervisor;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * The instances of one deployment (EP-8): starts them and waits until each answers its readiness probe, keeps
 * probing readiness (an unready instance gets no traffic) and liveness (a dead one is killed), restarts crashed
 * instances with exponential back-off, scales up and down, and keeps each instance's output for get-logs.
 * Manages processes only: it knows no HTTP framework and no routing, it tells which instances are ready.
 */
public final class DeploymentInstances implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentInstances.class);
    private static final Duration FIRST_READY_POLL = Duration.ofMillis(50);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int LOG_LINES = 5_000;
    private static final long LOG_CHARS = 2L << 20;

    private final String deployment;
    private final InstanceSpec spec;
    private final HttpClient http;
    private final Duration startTimeout;
    private final Duration maxBackOff;
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger nextIndex = new AtomicInteger();
    private volatile boolean closed;
    /** The instances taking traffic and their processes, index by index, replaced as one. */
    private record ReadySet(List<Instance> processes, List<ReadyInstance> instances) {
    }

    private volatile ReadySet readySet = new ReadySet(List.of(), List.of());
    private final Object readyLock = new Object();

    public DeploymentInstances(String deployment, InstanceSpec spec, HttpClient http, Duration startTimeout,
                               Duration maxBackOff) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.http = requireNonNull(http, "http is null");
        this.startTimeout = requireNonNull(startTimeout, "startTimeout is null");
        this.maxBackOff = requireNonNull(maxBackOff, "maxBackOff is null");
    }

    /** One supervised position: the instance in it changes when it crashes and restarts; its log stays. */
    private final class Slot {
        final String name;
        final InstanceLog log = new InstanceLog(LOG_LINES, LOG_CHARS);
        volatile Instance instance;
        volatile boolean ready;
        volatile boolean wanted = true;

        Slot(String name) {
            this.name = name;
        }
    }

    /**
     * An instance that may take traffic now: its port, and the Unix domain socket it also listens on (null when
     * it has none), which is the cheaper way in from this machine.
     */
    public record ReadyInstance(String name, int port, java.nio.file.Path socketFile) {
    }

    /**
     * Waits until the router has no request in flight on an instance that no longer gets traffic, so that
     * stopping it drops nothing (scale down, rolling update).
     */
    @FunctionalInterface
    public interface Drain {
        Drain NONE = port -> { };

        void awaitIdle(int port) throws InterruptedException;
    }

    /**
     * Starts instances until {@code count} run, or stops the newest ones down to it. Returns when every new instance
     * is ready; if one cannot start, the ones started by this call are stopped again and the exception carries the
     * failing instance's output.
     */
    public synchronized void scaleTo(int count) throws InstanceStartException, InterruptedException {
        scaleTo(count, Drain.NONE);
    }

    /** As {@link #scaleTo(int)}; instances taken away are drained first. */
    public synchronized void scaleTo(int count, Drain drain) throws InstanceStartException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("Deployment " + deployment + " is stopped");
        }
        List<Slot> active = slots.stream().filter(s -> s.wanted).toList();
        if (count < active.size()) {
            List<Slot> leaving = active.subList(count, active.size());
            leaving.forEach(this::withdraw);
            for (Slot slot : leaving) {
                drain(slot, drain);
                retire(slot);
            }
            return;
        }
        List<Slot> added = new ArrayList<>();
        try {
            for (int i = active.size(); i < count; i++) {
                Slot slot = new Slot(deployment + "-" + nextIndex.getAndIncrement());
                added.add(slot);
                startAndAwaitReady(slot);
                slots.add(slot);
                refreshReady();
                Thread.ofVirtual().name("supervise-" + slot.name).start(() -> supervise(slot));
            }
        } catch (InstanceStartException | InterruptedException | RuntimeException e) {
            added.forEach(this::retire);
            throw e;
        }
    }

    private void startAndAwaitReady(Slot slot) throws InstanceStartException, InterruptedException {
        Instance instance;
        try {
            instance = Instance.start(slot.name, spec, slot.log, http);
        } catch (IOException e) {
            throw new InstanceStartException("Instance " + slot.name + " could not be started: " + e.getMessage()
                    + " (command: " + spec.command().getFirst() + ").", List.of());
        }
        slot.instance = instance;
        long deadline = System.nanoTime() + startTimeout.toNanos();
        try {
            instance.awaitPort(startTimeout);
            while (!instance.probe("/ready", spec.readiness().timeout())) {
                if (!instance.alive()) {
                    throw new IllegalStateException("exited with code " + instance.exited().join().exitValue()
                            + " before it was ready");
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException();
                }
                Thread.sleep(FIRST_READY_POLL);
            }
        } catch (TimeoutException e) {
            instance.stop(STOP_GRACE);
            throw new InstanceStartException("Instance " + slot.name + " was not ready within "
                    + startTimeout.toSeconds() + " s.", slot.log.tail(20));
        } catch (IllegalStateException e) {
            awaitOutput(instance);
            throw new InstanceStartException("Instance " + slot.name + " " + e.getMessage() + ".", slot.log.tail(20));
        }
        markReady(slot, true);
        LOG.info("Instance {} ready on port {} (pid {}){}", slot.name, instance.port(), instance.pid(),
                instance.socketFile() == null ? "" : ", local socket " + instance.socketFile());
    }

    /** Gives the output readers a moment to drain what a process wrote just before it died. */
    private static void awaitOutput(Instance instance) throws InterruptedException {
        instance.exited().join();
        Thread.sleep(100);
    }

    /** Runs for the life of a slot: probes its instance and restarts it with back-off when it dies. */
    private void supervise(Slot slot) {
        Duration backOff = Duration.ofMillis(500);
        while (!closed && slot.wanted) {
            Instance instance = slot.instance;
            watch(slot, instance);
            if (closed || !slot.wanted) {
                return;
            }
            markReady(slot, false);
            int code = instance.exited().join().exitValue();
            slot.log.append("[amlite] instance " + slot.name + " exited with code " + code + "; restarting in "
                    + backOff.toMillis() + " ms");
            LOG.warn("Instance {} of {} exited with code {}; restarting in {} ms", slot.name, deployment, code,
                    backOff.toMillis());
            try {
                Thread.sleep(backOff);
                if (closed || !slot.wanted) {
                    return;
                }
                restarts.incrementAndGet();
                startAndAwaitReady(slot);
                backOff = Duration.ofMillis(500);
            } catch (InstanceStartException e) {
                slot.log.append("[amlite] restart failed: " + e.getMessage().lines().findFirst().orElse(""));
                backOff = backOff.multipliedBy(2).compareTo(maxBackOff) > 0 ? maxBackOff : backOff.multipliedBy(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Probes until the instance dies (or is killed for failing liveness); readiness failures only take it out. */
    private void watch(Slot slot, Instance instance) {
        Probe readiness = spec.readiness();
        Probe liveness = spec.liveness();
        long livenessFrom = System.nanoTime() + liveness.initialDelay().toNanos();
        long nextLiveness = livenessFrom;
        long nextReadiness = System.nanoTime() + readiness.period().toNanos();
        int readyFailures = 0;
        int readySuccesses = 0;
        int liveFailures = 0;
        while (!closed && slot.wanted && instance.alive()) {
            long now = System.nanoTime();
            if (now >= nextReadiness) {
                if (instance.probe("/ready", readiness.timeout())) {
                    readyFailures = 0;
                    if (++readySuccesses >= readiness.successThreshold()) {
                        markReady(slot, true);
                    }
                } else {
                    readySuccesses = 0;
                    if (++readyFailures >= readiness.failureThreshold()) {
                        markReady(slot, false);
                    }
                }
                nextReadiness = now + readiness.period().toNanos();
            }
            if (now >= nextLiveness) {
                if (instance.probe("/live", liveness.timeout())) {
                    liveFailures = 0;
                } else if (++liveFailures >= liveness.failureThreshold()) {
                    slot.log.append("[amlite] instance " + slot.name + " failed its liveness probe "
                            + liveFailures + " times; killing it");
                    instance.stop(STOP_GRACE);
                    break;
                }
                nextLiveness = now + liveness.period().toNanos();
            }
            try {
                instance.exited().get(Math.max(1, Math.min(nextReadiness, nextLiveness) - System.nanoTime()),
                        java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // time for the next probe
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                return;
            }
        }
    }

    /** Takes an instance out of traffic without stopping it yet. */
    private void withdraw(Slot slot) {
        slot.wanted = false;
        markReady(slot, false);
    }

    private static void drain(Slot slot, Drain drain) throws InterruptedException {
        Instance instance = slot.instance;
        if (instance != null && instance.alive() && instance.port() > 0) {
            drain.awaitIdle(instance.port());
        }
    }

    private void retire(Slot slot) {
        slot.wanted = false;
        markReady(slot, false);
        slots.remove(slot);
        refreshReady();
        Instance instance = slot.instance;
        if (instance != null) {
            instance.stop(STOP_GRACE);
        }
    }

    /**
     * The instances that may take traffic. Read on every scoring request, so it is a list kept up to date when an
     * instance's state changes rather than computed per call; an instance that died since is caught by the
     * request failing over to a fresh connection and by the next probe.
     */
    public List<ReadyInstance> ready() {
        ReadySet set = readySet;
        List<Instance> processes = set.processes();
        List<ReadyInstance> ready = set.instances();
        for (int i = 0; i < processes.size(); i++) {
            if (!processes.get(i).alive()) {
                // Died since the list was made; the supervisor will notice, the router must not wait for it.
                List<ReadyInstance> alive = new ArrayList<>();
                for (int j = 0; j < processes.size(); j++) {
                    if (processes.get(j).alive()) {
                        alive.add(ready.get(j));
                    }
                }
                return List.copyOf(alive);
            }
        }
        return ready;
    }

    private void markReady(Slot slot, boolean ready) {
        slot.ready = ready;
        refreshReady();
    }

    private void refreshReady() {
        synchronized (readyLock) {
            List<Instance> processes = new ArrayList<>();
            List<ReadyInstance> ready = new ArrayList<>();
            for (Slot s : slots) {
                Instance instance = s.instance;
                if (s.wanted && s.ready && instance != null && instance.alive()) {
                    processes.add(instance);
                    ready.add(new ReadyInstance(s.name, instance.port(), instance.socketFile()));
                }
            }
            readySet = new ReadySet(List.copyOf(processes), List.copyOf(ready));
        }
    }

    /** The instances being supervised (ready or not). */
    public int size() {
        int wanted = 0;
        for (Slot slot : slots) { // on every scoring request: no stream
            if (slot.wanted) {
                wanted++;
            }
        }
        return wanted;
    }

    public int restarts() {
        return restarts.get();
    }

    /** The last {@code lines} lines of each instance, instance by instance, each line prefixed with its name. */
    public List<String> logs(int lines) {
        List<String> out = new ArrayList<>();
        for (Slot slot : slots) {
            slot.log.tail(lines).forEach(line -> out.add("[" + slot.name + "] " + line));
        }
        return out;
    }

    /** The pids of the running instances (for tests and diagnostics). */
    public List<Long> pids() {
        return slots.stream().map(s -> s.instance).filter(i -> i != null && i.alive()).map(Instance::pid).toList();
    }

    @Override
    public synchronized void close() {
        closed = true;
        List.copyOf(slots).forEach(this::retire);
    }

    /** Stops every instance after the router has finished the requests it sent them (a rolling update's end). */
    public synchronized void close(Drain drain) throws InterruptedException {
        closed = true;
        List<Slot> all = List.copyOf(slots);
        all.forEach(this::withdraw);
        try {
            for (Slot slot : all) {
                drain(slot, drain);
            }
        } finally {
            all.forEach(this::retire);
        }
    }
}
