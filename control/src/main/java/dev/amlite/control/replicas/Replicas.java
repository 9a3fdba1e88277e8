package dev.amlite.control.replicas;

import dev.amlite.store.ServerRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * This server among the servers that share its store (OP-2's replicas). Each server is known by the id of its data
 * directory and beats every {@link Settings#beat()}; one not seen for {@link Settings#timeout()} has stopped. Work a
 * server runs (operations, jobs) carries its id: another server's start leaves it alone while that server is seen,
 * and takes it over once it is not ({@link #onDeparture}). The same data directory started again is the same
 * server, so what it ran before a crash is its own to recover at once.
 */
public final class Replicas implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);
    private final ServerRegistry registry;
    private final Settings settings;
    private final boolean shared;
    private final List<Runnable> departureListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("replica-beat").factory());
    /** This process among the processes that ever ran with this server's id. */
    private final String incarnation = UUID.randomUUID().toString();
    private volatile Set<String> lastSeen = Set.of();
    private boolean taken; // another process holds this server's row; only the heartbeat's thread touches it
    private boolean takeOverPending; // only the heartbeat's thread touches it

    /**
     * {@code serverId}: this server's (its data directory's) id; {@code timeout}: how long a server may go unseen
     * before the others take over its work. A server beats six times within the timeout.
     */
    public record Settings(String serverId, Duration timeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public Settings {
            requireNonNull(serverId, "serverId is null");
            requireNonNull(timeout, "timeout is null");
            if (timeout.toMillis() < 6) {
                throw new IllegalArgumentException("The replica timeout must be positive; " + timeout + " was given");
            }
        }

        Duration beat() {
            return timeout.dividedBy(6);
        }

        /** A server of its own: a new id each time (a control plane made without a data directory). */
        public static Settings single() {
            return new Settings(UUID.randomUUID().toString(), DEFAULT_TIMEOUT);
        }
    }

    /**
     * {@code shared}: whether other servers can use the store at all. An embedded H2 file is this server's alone
     * (one server per data directory), so it registers but does not beat: no write every few seconds for nothing.
     */
    public Replicas(ServerRegistry registry, Settings settings, boolean shared) {
        this.registry = requireNonNull(registry, "registry is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.shared = shared;
    }

    /**
     * Registers this server and starts its heartbeat. Call before any work is recovered. On a shared store, a row of
     * this server's id that was seen within the timeout and did not leave is either this server's before a crash or
     * another process running with the same id (a data directory copied with its {@code server-id}); the start waits
     * a heartbeat and a half to tell, and refuses in the second case, before it touches any work.
     */
    public void start() {
        if (shared) {
            refuseIfAnotherProcessHoldsThisId();
        }
        registry.register(me(), incarnation);
        lastSeen = live();
        if (!shared) {
            return;
        }
        long period = settings.beat().toMillis();
        beats.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    public String me() {
        return settings.serverId();
    }

    private void refuseIfAnotherProcessHoldsThisId() {
        Optional<ServerRegistry.Sighting> before = registry.sighting(me());
        if (before.isEmpty() || before.get().ago().compareTo(settings.timeout()) >= 0) {
            return; // never ran, left cleanly, or stopped long enough ago
        }
        Duration wait = settings.beat().plus(settings.beat().dividedBy(2));
        LOG.info("Server id {} was seen {} ms ago and did not leave: waiting {} ms to make sure no other server runs "
                + "with it", me(), before.get().ago().toMillis(), wait.toMillis());
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking this server's id", e);
        }
        Optional<ServerRegistry.Sighting> after = registry.sighting(me());
        if (after.isPresent() && after.get().seenAt().isAfter(before.get().seenAt())) {
            throw new IllegalStateException("Another server is running with this data directory's server id '" + me()
                    + "' (it beat " + after.get().ago().toMillis() + " ms ago). A data directory copied from a "
                    + "server keeps that server's id: delete the file 'server-id' in the copy to make it a new "
                    + "replica, or stop the other server first.");
        }
    }

    /**
     * The servers seen now, this one included: read from the store each time, never a cached view. A store no other
     * server can open has this one only.
     */
    public Set<String> live() {
        if (!shared) {
            return Set.of(me());
        }
        Set<String> live = new HashSet<>(registry.seenWithin(settings.timeout()));
        live.add(me());
        return Set.copyOf(live);
    }

    /** The other servers seen now: a restart of this one must leave their work alone. */
    public Set<String> others() {
        Set<String> others = new HashSet<>(live());
        others.remove(me());
        return Set.copyOf(others);
    }

    /** Called (on the heartbeat's thread) each time a server that was seen is seen no more. */
    public void onDeparture(Runnable listener) {
        departureListeners.add(requireNonNull(listener, "listener is null"));
    }

    private void beat() {
        try {
            switch (registry.beat(me(), incarnation)) {
                case SEEN -> taken = false;
                case GONE -> registry.register(me(), incarnation);
                case TAKEN -> {
                    if (!taken) {
                        LOG.error("Another server started with this server's id '{}' (a copy of its data directory?) "
                                + "and holds its row now; this server no longer beats. Stop one of the two.", me());
                    }
                    taken = true;
                    return;
                }
            }
            Set<String> seen = live();
            boolean departed = lastSeen.stream().anyMatch(server -> !seen.contains(server));
            if (departed) {
                LOG.info("Server(s) {} no longer seen; taking over their work", lastSeen.stream()
                        .filter(server -> !seen.contains(server)).toList());
            }
            lastSeen = seen;
            takeOverPending |= departed;
            if (takeOverPending) {
                takeOverPending = false;
                for (Runnable listener : departureListeners) {
                    try {
                        listener.run();
                    } catch (RuntimeException e) {
                        takeOverPending = true;
                        LOG.warn("Taking over the work of a stopped server failed; the next heartbeat tries again", e);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("The heartbeat could not reach the store: {}", e.toString());
        }
    }

    /** A clean stop: the server leaves the registry, so the others need not wait for its heartbeat to age. */
    @Override
    public void close() {
        beats.shutdownNow();
        try {
            registry.leave(me(), incarnation);
        } catch (RuntimeException e) {
            LOG.warn("Could not leave the server registry: {}", e.toString());
        }
    }
}
