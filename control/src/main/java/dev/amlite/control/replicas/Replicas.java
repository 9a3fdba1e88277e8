package dev.amlite.control.replicas;

import dev.amlite.store.ServerRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
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
    private volatile Set<String> lastSeen = Set.of();
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

    /** Registers this server and starts its heartbeat. Call before any work is recovered. */
    public void start() {
        registry.register(me());
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
            if (!registry.beat(me())) {
                registry.register(me());
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
            registry.leave(me());
        } catch (RuntimeException e) {
            LOG.warn("Could not leave the server registry: {}", e.toString());
        }
    }
}
