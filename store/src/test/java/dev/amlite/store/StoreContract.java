package dev.amlite.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The behaviour every store vendor must have. Subclasses supply the database; every test uses fresh ids. */
abstract class StoreContract {
    protected abstract Database database();

    static final Relocatable WORKSPACES = new Relocatable("Microsoft.MachineLearningServices/workspaces",
            List.of("azureml://subscriptions/{subscription}/resourcegroups/{group}/workspaces/{name}"));
    private ResourceStore resources;
    private PrincipalStore principals;
    private OperationStore operations;
    private Settings settings;
    private String subscription;

    @BeforeEach
    void setUp() {
        resources = new ResourceStore(database(), Clock.systemUTC(), List.of(WORKSPACES));
        principals = new PrincipalStore(database());
        operations = new OperationStore(database(), Clock.systemUTC());
        settings = new Settings(database());
        subscription = UUID.randomUUID().toString();
    }

    private static ObjectNode doc(String value) {
        ObjectNode node = Json.object();
        node.putObject("properties").put("value", value);
        return node;
    }

    @Test
    void insertedResourceIsFoundCaseInsensitivelyAndKeepsItsCase() {
        ResourceId group = ResourceId.resourceGroup(subscription, "MyGroup");
        resources.insert(group, "japaneast", doc("a"));
        StoredResource found = resources.get(ResourceId.resourceGroup(subscription.toUpperCase(), "mygroup")).orElseThrow();
        assertThat(found.id().id()).isEqualTo(group.id());
        assertThat(found.document().path("name").asText()).isEqualTo("MyGroup");
        assertThat(found.document().path("properties").path("value").asText()).isEqualTo("a");
        assertThat(found.location()).isEqualTo("japaneast");
    }

    @Test
    void secondInsertOfTheSameIdConflicts() {
        ResourceId group = ResourceId.resourceGroup(subscription, "g");
        resources.insert(group, "japaneast", doc("a"));
        assertThatThrownBy(() -> resources.insert(ResourceId.resourceGroup(subscription, "G"), "japaneast", doc("b")))
                .isInstanceOf(ArmException.class)
                .extracting(e -> ((ArmException) e).code()).isEqualTo(ErrorCode.Conflict);
        assertThatThrownBy(() -> resources.insert(group, "japaneast", doc("b")))
                .as("told apart from other conflicts: the front door applies a PUT that lost this race again")
                .matches(e -> ((ArmException) e).isAlreadyMade(ResourceId.resourceGroup(subscription, "G")))
                .matches(e -> !((ArmException) e).isAlreadyMade(ResourceId.resourceGroup(subscription, "other")));
    }

    @Test
    void secretsPutAtOnceAllLandAndAValueMadeOnceIsMadeOnce() throws Exception {
        SecretStore secrets = new SecretStore(database(), Clock.systemUTC());
        ResourceId owner = ResourceId.resourceGroup(subscription, "keys");
        int atOnce = 8;
        for (int round = 0; round < 20; round++) {
            String name = "key" + round;
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(atOnce);
            List<java.util.concurrent.Callable<Boolean>> tasks = new java.util.ArrayList<>();
            for (int i = 0; i < atOnce; i++) {
                String value = "value" + i;
                boolean once = i % 2 == 0;
                tasks.add(() -> {
                    together.await();
                    if (once) {
                        return secrets.putIfAbsent(owner, name + "-once", value);
                    }
                    secrets.put(owner, name, value);
                    return false;
                });
            }
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(atOnce)) {
                long made = 0;
                for (var result : pool.invokeAll(tasks)) {
                    made += result.get() ? 1 : 0;
                }
                assertThat(made).as("round %d: putIfAbsent stored one value", round).isEqualTo(1);
            }
            assertThat(secrets.get(owner, name)).isPresent();
            assertThat(secrets.get(owner, name + "-once")).isPresent();
        }
        assertThat(secrets.putIfAbsent(owner, "key0-once", "later")).isFalse();
        assertThat(secrets.get(owner, "key0-once")).isNotEqualTo(java.util.Optional.of("later"));
    }

    @Test
    void replaceChecksTheEtagItWasBasedOn() {
        ResourceId group = ResourceId.resourceGroup(subscription, "g");
        StoredResource first = resources.insert(group, "japaneast", doc("a"));
        StoredResource second = resources.replace(first, "japaneast", doc("b"));
        assertThat(second.etag()).isNotEqualTo(first.etag());
        assertThatThrownBy(() -> resources.replace(first, "japaneast", doc("c")))
                .isInstanceOf(ArmException.class)
                .extracting(e -> ((ArmException) e).code()).isEqualTo(ErrorCode.PreconditionFailed);
        assertThat(resources.get(group).orElseThrow().document().path("properties").path("value").asText()).isEqualTo("b");
    }

    @Test
    void deleteTreeRemovesTheSubtreeAndNothingElse() {
        ResourceId group = ResourceId.resourceGroup(subscription, "g_1");
        ResourceId sibling = ResourceId.resourceGroup(subscription, "g_10");
        ResourceId lookalike = ResourceId.resourceGroup(subscription, "gx1");
        resources.insert(group, "japaneast", doc("g"));
        resources.insert(sibling, "japaneast", doc("s"));
        resources.insert(lookalike, "japaneast", doc("l"));
        ResourceId parent = group.provider("A.B", "things", "t1");
        resources.insert(parent, "japaneast", doc("t"));
        resources.insert(parent.child("parts", "p1"), "japaneast", doc("p"));
        ResourceId siblingChild = sibling.provider("A.B", "things", "t1");
        resources.insert(siblingChild, "japaneast", doc("t"));

        assertThat(resources.deleteTree(group)).isEqualTo(3);
        assertThat(resources.get(group)).isEmpty();
        assertThat(resources.get(parent.child("parts", "p1"))).isEmpty();
        assertThat(resources.get(sibling)).isPresent();
        assertThat(resources.get(siblingChild)).isPresent();
        assertThat(resources.get(lookalike)).isPresent();
    }

    @Test
    void listingsFilterByScopeAndType() {
        ResourceId group = ResourceId.resourceGroup(subscription, "g");
        resources.insert(group, "japaneast", doc("g"));
        ResourceId thing = group.provider("A.B", "things", "t1");
        resources.insert(thing, "japaneast", doc("t"));
        resources.insert(group.provider("A.B", "others", "o1"), "japaneast", doc("o"));
        resources.insert(thing.child("parts", "p1"), "japaneast", doc("p"));

        assertThat(resources.listInGroup(subscription, "G", null)).hasSize(3);
        assertThat(resources.listInGroup(subscription, "g", "a.b/things")).extracting(r -> r.id().name()).containsExactly("t1");
        assertThat(resources.listInSubscription(subscription, null)).hasSize(3);
        assertThat(resources.listInSubscription(subscription, ResourceId.RESOURCE_GROUP_TYPE)).hasSize(1);
        assertThat(resources.listChildren(thing, "A.B/things/parts")).extracting(r -> r.id().name()).containsExactly("p1");
        assertThat(resources.listByTypeAtScopes("A.B/things", List.of(group.key()))).hasSize(1);
        assertThat(resources.countInGroup(subscription, "g")).isEqualTo(3);
    }

    @Test
    void theNewestChildrenComeFirstCutAtTheLimit() {
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock ticking = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        ResourceStore timed = new ResourceStore(database(), ticking, List.of(WORKSPACES));
        ResourceId group = ResourceId.resourceGroup(subscription, "g");
        timed.insert(group, "japaneast", doc("g"));
        ResourceId thing = group.provider("A.B", "things", "t1");
        timed.insert(thing, "japaneast", doc("t"));
        for (String name : List.of("p-b", "p-a", "p-d", "p-c")) {
            if (!name.equals("p-c")) {
                now[0] = now[0].plusSeconds(1);  // p-d and p-c are made in the same instant
            }
            timed.insert(thing.child("parts", name), "japaneast", doc(name));
        }
        timed.insert(thing.child("others", "o-newest"), "japaneast", doc("o"));
        assertThat(timed.listNewestChildren(thing, "A.B/things/parts", 3)).extracting(r -> r.id().name())
                .containsExactly("p-c", "p-d", "p-a");
        assertThat(timed.listNewestChildren(thing, "A.B/things/parts", 10)).extracting(r -> r.id().name())
                .containsExactly("p-c", "p-d", "p-a", "p-b");
        assertThat(timed.listNewestChildren(thing, "A.B/things/parts", Integer.MAX_VALUE))
                .extracting(r -> r.id().name()).containsExactly("p-c", "p-d", "p-a", "p-b");
        assertThat(timed.listNewestChildren(thing, "A.B/things/parts", 0)).isEmpty();
        // A batch further down the same order (a filtered list reading on).
        assertThat(timed.listNewestChildren(thing, "A.B/things/parts", 2, 1)).extracting(r -> r.id().name())
                .containsExactly("p-d", "p-a");
        assertThat(timed.listNewestChildren(thing, "A.B/things/parts", 5, 3)).extracting(r -> r.id().name())
                .containsExactly("p-b");
        assertThat(timed.listChildren(thing, "A.B/things/parts")).extracting(r -> r.id().name())
                .containsExactly("p-a", "p-b", "p-c", "p-d");
    }

    @Test
    void signInAttemptsCountLockClearAndArePurgedOnceTheyLockNothing() {
        SignInAttempts attempts = new SignInAttempts(database(), Clock.systemUTC());
        String key = "admin\n10.0.0." + UUID.randomUUID();
        assertThat(attempts.get(key)).isEmpty();
        SignInAttempts.Attempt one = attempts.update(key, a -> new SignInAttempts.Attempt(a.failures() + 1,
                a.lockouts(), a.lockedUntil()));
        assertThat(one).isEqualTo(new SignInAttempts.Attempt(1, 0, null));
        Instant until = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        attempts.update(key, a -> new SignInAttempts.Attempt(0, a.lockouts() + 1, until));
        assertThat(attempts.get(key)).contains(new SignInAttempts.Attempt(0, 1, until));
        assertThat(attempts.purge(Instant.now().plusSeconds(1))).as("still locked").isZero();
        attempts.clear(key);
        assertThat(attempts.get(key)).isEmpty();

        String other = "dana\n10.0.0." + UUID.randomUUID();
        attempts.update(other, a -> new SignInAttempts.Attempt(a.failures() + 1, 0, null));
        assertThat(attempts.purge(Instant.now().minusSeconds(60))).as("touched just now").isZero();
        assertThat(attempts.purge(Instant.now().plusSeconds(1))).isGreaterThanOrEqualTo(1);
        assertThat(attempts.get(other)).isEmpty();
    }

    @Test
    void failuresCountedAtOnceAreAllCounted() throws Exception {
        SignInAttempts attempts = new SignInAttempts(database(), Clock.systemUTC());
        String key = "raced\n" + UUID.randomUUID();
        int atOnce = 8;
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(atOnce);
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(atOnce)) {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < atOnce; i++) {
                done.add(threads.submit(() -> {
                    together.await();
                    return attempts.update(key, a -> new SignInAttempts.Attempt(a.failures() + 1, 0, null));
                }));
            }
            for (var future : done) {
                future.get();
            }
        }
        assertThat(attempts.get(key).orElseThrow().failures()).isEqualTo(atOnce);
    }

    @Test
    void softDeletedRowsAreHiddenButKept() {
        ResourceId thing = ResourceId.resourceGroup(subscription, "g").provider("A.B", "things", "t1");
        resources.insert(thing, "japaneast", doc("t"));
        resources.setState(thing, ResourceState.SOFT_DELETED);
        assertThat(resources.get(thing)).isEmpty();
        assertThat(resources.getSoftDeleted(thing)).isPresent();
        assertThatThrownBy(() -> resources.insert(thing, "japaneast", doc("again"))).isInstanceOf(ArmException.class);
    }

    @Test
    void principalsAreUniqueBySignInNameRegardlessOfCase() {
        String name = "user-" + UUID.randomUUID() + "@contoso.com";
        Principal user = new Principal(UUID.randomUUID().toString(), "t1", PrincipalKind.User, "User", name,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        principals.insert(user);
        assertThat(principals.bySignInName(name.toUpperCase())).contains(user);
        assertThatThrownBy(() -> principals.insert(new Principal(UUID.randomUUID().toString(), "t1",
                PrincipalKind.User, "Other", name.toUpperCase(), Instant.now())))
                .isInstanceOf(ArmException.class);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        principals.addSecret(new PrincipalSecret("s1-" + user.objectId(), user.objectId(), "hash", "abc", now, now.plusSeconds(60)));
        assertThat(principals.secrets(user.objectId())).extracting(PrincipalSecret::hash).containsExactly("hash");
        assertThat(principals.delete(user.objectId())).isTrue();
        assertThat(principals.secrets(user.objectId())).isEmpty();
        assertThat(principals.byObjectId(user.objectId())).isEmpty();
    }

    @Test
    void operationsFinishOnceAndListWhileInProgress() {
        String id = UUID.randomUUID().toString();
        operations.create(id, "groupDelete", "/subscriptions/" + subscription + "/resourceGroups/g", subscription, "{}",
                "server-a");
        assertThat(operations.running()).filteredOn(running -> running.operation().id().equals(id))
                .extracting(OperationStore.Running::owner).containsExactly("server-a");
        assertThat(operations.finish(id, OperationStatus.Succeeded, null)).isTrue();
        assertThat(operations.finish(id, OperationStatus.Failed, "{}")).isFalse();
        Operation done = operations.get(id).orElseThrow();
        assertThat(done.status()).isEqualTo(OperationStatus.Succeeded);
        assertThat(done.endedAt()).isNotNull();
        assertThat(operations.running()).extracting(running -> running.operation().id()).doesNotContain(id);
        assertThat(operations.takeOver(id, "server-a", "server-b")).as("an ended operation is nobody's").isFalse();
    }

    @Test
    void anOperationIsTakenOverOnlyFromTheServerThatRunsIt() {
        String id = UUID.randomUUID().toString();
        String legacy = UUID.randomUUID().toString();
        operations.create(id, "groupDelete", "/subscriptions/" + subscription + "/resourceGroups/g", subscription, "{}",
                "server-a");
        operations.create(legacy, "groupDelete", "/subscriptions/" + subscription + "/resourceGroups/h", subscription,
                "{}", null);
        assertThat(operations.takeOver(id, "server-b", "server-c")).isFalse();
        assertThat(operations.takeOver(id, null, "server-c")).isFalse();
        assertThat(operations.takeOver(id, "server-a", "server-c")).isTrue();
        assertThat(operations.takeOver(id, "server-a", "server-d")).as("one of two replicas gets it").isFalse();
        assertThat(operations.takeOver(legacy, null, "server-c")).isTrue();
        assertThat(operations.running()).filteredOn(running -> List.of(id, legacy).contains(running.operation().id()))
                .extracting(OperationStore.Running::owner).containsExactly("server-c", "server-c");
    }

    @Test
    void aConditionalDeleteRemovesTheTreeOnlyWhileTheEtagIsTheOneRead() {
        ResourceId group = ResourceId.resourceGroup(subscription, "g");
        resources.insert(group, "japaneast", doc("g"));
        ResourceId workspace = group.provider("Microsoft.MachineLearningServices", "workspaces", "w");
        resources.insert(workspace, "japaneast", doc("w"));
        ResourceId model = workspace.child("models", "m");
        StoredResource read = resources.insert(model, null, doc("m"));
        resources.insert(model.child("versions", "1"), null, doc("v1"));
        StoredResource changed = resources.replace(read, null, doc("m2"));
        for (ResourceId id : List.of(model, workspace)) {
            String stale = id.equals(model) ? read.etag() : "\"not-its-etag\"";
            assertThatThrownBy(() -> resources.deleteTree(id, stale)).isInstanceOfSatisfying(ArmException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.PreconditionFailed));
        }
        assertThat(resources.get(model.child("versions", "1"))).as("nothing removed").isPresent();
        assertThat(resources.deleteTree(model, changed.etag())).isEqualTo(2);
        assertThat(resources.get(model)).isEmpty();
        String workspaceEtag = resources.get(workspace).orElseThrow().etag();
        assertThat(resources.deleteTree(workspace, workspaceEtag)).isEqualTo(1);
        assertThatThrownBy(() -> resources.deleteTree(workspace, workspaceEtag)).as("gone")
                .isInstanceOf(ArmException.class);
    }

    @Test
    void serversAreSeenWhileTheyBeatAndGoneWhenTheyLeaveOrFallSilent() throws InterruptedException {
        ServerRegistry registry = new ServerRegistry(database());
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        registry.register(a, "a1");
        registry.register(b, "b1");
        assertThat(registry.seenWithin(java.time.Duration.ofMinutes(1))).contains(a, b);
        Thread.sleep(60);
        assertThat(registry.beat(a, "a1")).isEqualTo(ServerRegistry.Beat.SEEN);
        assertThat(registry.seenWithin(java.time.Duration.ofMillis(40))).as("b has not beaten for 60 ms")
                .contains(a).doesNotContain(b);
        ServerRegistry.Sighting sighting = registry.sighting(a).orElseThrow();
        assertThat(sighting.incarnation()).isEqualTo("a1");
        assertThat(sighting.ago()).isLessThan(java.time.Duration.ofSeconds(5));
        registry.leave(b, "b1");
        assertThat(registry.seenWithin(java.time.Duration.ofMinutes(1))).contains(a).doesNotContain(b);
        assertThat(registry.sighting(b)).isEmpty();
        assertThat(registry.beat(b, "b1")).as("a server that left has no row to beat").isEqualTo(
                ServerRegistry.Beat.GONE);

        registry.register(a, "a2"); // a second process with a's id
        assertThat(registry.seenWithin(java.time.Duration.ofMinutes(1))).as("registered again, not twice").contains(a);
        assertThat(registry.beat(a, "a1")).as("the first process's row is the second's now").isEqualTo(
                ServerRegistry.Beat.TAKEN);
        registry.leave(a, "a1");
        assertThat(registry.sighting(a)).as("only the holder's stop removes the row").isPresent();
        registry.leave(a, "a2");
        assertThat(registry.sighting(a)).isEmpty();
    }

    @Test
    void aJobIsClaimedByOneServerAndTakenOverOnlyFromOneNoLongerSeen() {
        RunClaims claims = new RunClaims(database(), Clock.systemUTC());
        String job = "/subscriptions/" + subscription + "/jobs/j1";
        java.util.Set<String> both = java.util.Set.of("a", "b");
        assertThat(claims.claim(job, "a", () -> both)).isTrue();
        assertThat(claims.claim(job, "a", () -> both)).as("held already").isTrue();
        assertThat(claims.claim(job, "b", () -> both)).as("a is seen: its claim stands").isFalse();
        assertThat(claims.holder(job)).contains("a");
        assertThat(claims.claim(job, "b", () -> java.util.Set.of("b"))).as("a is not seen: b takes over").isTrue();
        assertThat(claims.holder(job)).contains("b");
        assertThat(claims.all()).containsEntry(job, "b");
        claims.release(job, "a");
        assertThat(claims.holder(job)).as("only its holder releases a claim").contains("b");
        claims.release(job, "b");
        assertThat(claims.holder(job)).isEmpty();
        assertThat(claims.all()).doesNotContainKey(job);
    }

    @Test
    void computeNodesTakeASlotOnceAndChangeOnlyFromTheStateTheWriterSaw() {
        ComputeNodes nodes = new ComputeNodes(database());
        String compute = "/subscriptions/" + subscription + "/computes/c1";
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
        assertThat(nodes.add(compute, 0, "n0", "job1", a, t0)).isTrue();
        assertThat(nodes.add(compute, 0, "n0-other", null, null, t0)).as("slot 0 is taken").isFalse();
        assertThat(nodes.add(compute, 1, "n1", null, null, t0)).isTrue();
        assertThat(nodes.list(compute)).extracting(ComputeNodes.Node::nodeId, ComputeNodes.Node::job,
                ComputeNodes.Node::serverId).containsExactly(org.assertj.core.groups.Tuple.tuple("n0", "job1", a),
                org.assertj.core.groups.Tuple.tuple("n1", null, null));
        assertThat(nodes.counts()).containsEntry(compute, 2);

        assertThat(nodes.lease(compute, "n0", "job2", b)).as("n0 is leased").isFalse();
        assertThat(nodes.lease(compute, "n1", "job2", b)).isTrue();
        assertThat(nodes.removeIdle(compute, "n1")).as("a leased node stays").isFalse();
        nodes.release(compute, "n1", "job-other", t0);
        assertThat(nodes.list(compute).get(1).job()).as("only its job releases a node").isEqualTo("job2");

        Instant t1 = t0.plusSeconds(60);
        assertThat(nodes.releaseAllBut(java.util.Set.of(a), t1)).as("b's lease is freed, a's kept").isEqualTo(1);
        assertThat(nodes.list(compute)).extracting(ComputeNodes.Node::job).containsExactly("job1", null);
        assertThat(nodes.list(compute).get(1).idleSince()).isEqualTo(t1);
        assertThat(nodes.removeIdle(compute, "n1")).isTrue();

        nodes.removeLeased(compute, "n0", "job-other");
        assertThat(nodes.list(compute)).as("a node added for a job goes only for that job").hasSize(1);
        assertThat(nodes.removeAll(compute)).extracting(ComputeNodes.Node::nodeId).containsExactly("n0");
        assertThat(nodes.list(compute)).isEmpty();
        assertThat(nodes.counts()).doesNotContainKey(compute);
    }

    @Test
    void aRunningJobsLogPartsAreReadFromAnOffsetInOrderUntilTheJobEnds() {
        JobLogParts parts = new JobLogParts(database());
        String job = "/subscriptions/" + subscription + "/jobs/j1";
        parts.add(job, new JobLogParts.Part(0, 6, "first\n"));
        parts.add(job, new JobLogParts.Part(6, 16, "zweite ü\n"));
        parts.add(job, new JobLogParts.Part(16, 22, "third\n"));
        assertThat(parts.from(job, 0, 10)).extracting(JobLogParts.Part::content)
                .containsExactly("first\n", "zweite ü\n", "third\n");
        assertThat(parts.from(job, 6, 10)).as("from a part's start").extracting(JobLogParts.Part::start)
                .containsExactly(6L, 16L);
        assertThat(parts.from(job, 8, 1)).as("the part holding the offset, at most one").extracting(
                JobLogParts.Part::start).containsExactly(6L);
        assertThat(parts.from(job, 22, 10)).isEmpty();
        parts.delete(job);
        assertThat(parts.from(job, 0, 10)).isEmpty();
    }

    @Test
    void runTokensAreFoundByDigestUntilTheirJobEnds() {
        RunTokenStore tokens = new RunTokenStore(database(), Clock.systemUTC());
        String job = "/subscriptions/" + subscription + "/jobs/j1";
        String first = UUID.randomUUID().toString().replace("-", "");
        String second = UUID.randomUUID().toString().replace("-", "");
        tokens.put(first, job.toLowerCase(Locale.ROOT), job, "alice@example.com");
        assertThat(tokens.find(first)).contains(new RunTokenStore.Grant(job, "alice@example.com"));
        tokens.put(second, job.toLowerCase(Locale.ROOT), job, "alice@example.com");
        assertThat(tokens.find(first)).as("a job's new token replaces its old one").isEmpty();
        assertThat(tokens.find(second)).isPresent();
        tokens.revoke(job.toLowerCase(Locale.ROOT));
        assertThat(tokens.find(second)).isEmpty();
    }

    @Test
    void settingsKeepTheFirstValue() {
        String name = "k-" + UUID.randomUUID();
        assertThat(settings.getOrCreate(name, () -> "first")).isEqualTo("first");
        assertThat(settings.getOrCreate(name, () -> "second")).isEqualTo("first");
        settings.put(name, "third");
        assertThat(settings.get(name)).contains("third");
    }

    @Test
    void anApprovedQuotaRequestRaisesTheLimitOnceAndALateDecisionChangesNothing() {
        QuotaStore quotas = new QuotaStore(database(), Clock.systemUTC());
        assertThat(quotas.limits(subscription, "japaneast")).isEmpty();
        QuotaStore.QuotaRequest asked = quotas.createRequest(UUID.randomUUID().toString(), subscription, "JapanEast",
                "standardNCSv3Family", 24, "training", "alice");
        assertThat(asked.status()).isEqualTo("Pending");
        assertThat(quotas.requests(subscription)).extracting(QuotaStore.QuotaRequest::id).containsExactly(asked.id());
        assertThat(quotas.decide(subscription, asked.id(), true, "admin")).isTrue();
        assertThat(quotas.decide(subscription, asked.id(), false, "other")).isFalse();
        assertThat(quotas.limits(subscription, "japaneast")).containsEntry("standardncsv3family", 24);
        QuotaStore.QuotaRequest decided = quotas.request(subscription, asked.id()).orElseThrow();
        assertThat(decided.status()).isEqualTo("Approved");
        assertThat(decided.decidedBy()).isEqualTo("admin");
        quotas.setLimit(subscription, "japaneast", "StandardNCSv3Family", 48);
        assertThat(quotas.limits(subscription, "JAPANEAST")).containsEntry("standardncsv3family", 48).hasSize(1);
    }

    @Test
    void trackingKeepsMetricHistoryLatestValuesImmutableParamsAndModelVersions() {
        TrackingStore tracking = new TrackingStore(database());
        String workspace = "/subscriptions/" + subscription + "/resourcegroups/g/providers/x/workspaces/w";
        assertThat(tracking.createExperiment(workspace, "1", "Exp", "mlflow-artifacts:/1", 10)).isTrue();
        assertThat(tracking.createExperiment(workspace, "2", "exp", "mlflow-artifacts:/2", 11)).isFalse();
        assertThat(tracking.experimentByName(workspace, "EXP").orElseThrow().id()).isEqualTo("1");
        tracking.createRun(workspace, new TrackingStore.Run("r1", "1", "first", "alice", "RUNNING", 100, null, "active",
                "mlflow-artifacts:/1/r1/artifacts"), java.util.Map.of("mlflow.user", "alice"));
        List<TrackingStore.Metric> metrics = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            metrics.add(new TrackingStore.Metric("loss", 1.0 / (i + 1), 1000 + i, i));
        }
        metrics.add(new TrackingStore.Metric("acc", Double.NaN, 5, 0));
        assertThat(tracking.logBatch(workspace, "r1", metrics, java.util.Map.of("lr", "0.1"), java.util.Map.of("t", "v")))
                .isEmpty();
        assertThat(tracking.logBatch(workspace, "r1", List.of(new TrackingStore.Metric("loss", 9, 1, 0)),
                java.util.Map.of("lr", "0.2"), java.util.Map.of())).containsEntry("lr", "0.1");
        assertThat(tracking.metricHistory(workspace, "r1", "loss")).hasSize(1000);
        TrackingStore.RunData data = tracking.data(workspace, "r1");
        assertThat(data.latestMetrics()).extracting(TrackingStore.Metric::key).containsExactlyInAnyOrder("loss", "acc");
        assertThat(data.latestMetrics().stream().filter(m -> m.key().equals("loss")).findFirst().orElseThrow().step())
                .isEqualTo(999);
        assertThat(data.latestMetrics().stream().filter(m -> m.key().equals("acc")).findFirst().orElseThrow().value()).isNaN();
        assertThat(data.params()).containsExactly(java.util.Map.entry("lr", "0.1"));
        assertThat(data.tags()).containsEntry("t", "v").containsEntry("mlflow.user", "alice");
        assertThat(tracking.createRegisteredModel(workspace, "m", null, 1)).isTrue();
        assertThat(tracking.createModelVersion(workspace, "m", "runs:/r1/model", "r1", null, 2).orElseThrow().version())
                .isEqualTo(1);
        assertThat(tracking.createModelVersion(workspace, "m", "runs:/r1/model", "r1", null, 3).orElseThrow().version())
                .isEqualTo(2);
        assertThat(tracking.createModelVersion(workspace, "none", "s", null, null, 3)).isEmpty();
    }

    @Test
    void runSummariesOfManyRunsAtOnceMatchEachRunsOwnData() {
        TrackingStore tracking = new TrackingStore(database());
        String workspace = "/subscriptions/" + subscription + "/resourcegroups/g/providers/x/workspaces/many";
        String other = workspace + "-other";
        List<String> ids = new java.util.ArrayList<>();
        for (int r = 0; r < 1203; r++) { // more than two batches
            String id = "run" + r;
            ids.add(id);
            tracking.createRun(workspace, new TrackingStore.Run(id, "0", id, "alice", "FINISHED", r, (long) r + 1,
                    "active", "a"), java.util.Map.of());
            if (r % 100 == 7) {
                tracking.logBatch(workspace, id, List.of(new TrackingStore.Metric("loss", 1.0 / r, 2, 1),
                                new TrackingStore.Metric("loss", 5, 1, 0), new TrackingStore.Metric("acc", r, 1, 0)),
                        java.util.Map.of("lr", "0." + r, "rows", "4"), java.util.Map.of("t", "v"));
            }
        }
        tracking.createRun(other, new TrackingStore.Run("run7", "0", "x", "bob", "RUNNING", 1, null, "active", "a"),
                java.util.Map.of());
        tracking.logBatch(other, "run7", List.of(new TrackingStore.Metric("loss", 99, 9, 9)), java.util.Map.of(),
                java.util.Map.of());
        ids.add("no-such-run");

        java.util.Map<String, TrackingStore.RunSummary> summaries = tracking.summaries(workspace, ids);

        assertThat(summaries).hasSize(1203).doesNotContainKey("no-such-run");
        for (String id : List.of("run0", "run7", "run107", "run1107", "run1202")) {
            TrackingStore.RunSummary summary = summaries.get(id);
            TrackingStore.RunData data = tracking.data(workspace, id);
            assertThat(summary.run()).as(id).isEqualTo(tracking.run(workspace, id).orElseThrow());
            assertThat(summary.latestMetrics()).as(id).containsExactlyInAnyOrderElementsOf(data.latestMetrics());
            assertThat(summary.params()).as(id).isEqualTo(data.params());
        }
        assertThat(summaries.get("run7").latestMetrics()).as("latest by step, this workspace's only")
                .containsExactlyInAnyOrder(new TrackingStore.Metric("loss", 1.0 / 7, 2, 1),
                        new TrackingStore.Metric("acc", 7, 1, 0));
        assertThat(summaries.get("run1107").params()).containsEntry("lr", "0.1107").containsEntry("rows", "4");
        assertThat(summaries.get("run8").latestMetrics()).isEmpty();
        assertThat(tracking.summaries(workspace, List.of())).isEmpty();
    }

    @Test
    void aWorkspacesTrackingDataGoesWholeAndOnlyItsOwn() {
        TrackingStore tracking = new TrackingStore(database());
        String gone = "Gone-" + subscription;
        String kept = "kept-" + subscription;
        String modelsOnly = "models-" + subscription;
        for (String workspace : List.of(gone, kept)) {
            tracking.createExperiment(workspace, "1", "Exp", "mlflow-artifacts:/1", 10);
            tracking.createRun(workspace, new TrackingStore.Run("r1", "1", "first", "alice", "FINISHED", 100, 200L,
                    "active", "mlflow-artifacts:/1/r1/artifacts"), java.util.Map.of("mlflow.user", "alice"));
            tracking.logBatch(workspace, "r1", List.of(new TrackingStore.Metric("loss", 0.5, 1, 0)),
                    java.util.Map.of("lr", "0.1"), java.util.Map.of());
            tracking.createRegisteredModel(workspace, "m", null, 1);
            tracking.createModelVersion(workspace, "m", "runs:/r1/model", "r1", null, 2);
        }
        tracking.createRegisteredModel(modelsOnly, "m", null, 1);
        assertThat(tracking.workspaceKeys()).contains(gone.toLowerCase(java.util.Locale.ROOT),
                kept.toLowerCase(java.util.Locale.ROOT), modelsOnly.toLowerCase(java.util.Locale.ROOT));

        tracking.deleteWorkspace(gone);

        assertThat(tracking.workspaceKeys()).doesNotContain(gone.toLowerCase(java.util.Locale.ROOT))
                .contains(kept.toLowerCase(java.util.Locale.ROOT));
        assertThat(tracking.experiment(gone, "1")).isEmpty();
        assertThat(tracking.run(gone, "r1")).isEmpty();
        assertThat(tracking.metricHistory(gone, "r1", "loss")).isEmpty();
        assertThat(tracking.registeredModel(gone, "m")).isEmpty();
        assertThat(tracking.modelVersion(gone, "m", 1)).isEmpty();
        assertThat(tracking.run(kept, "r1")).isPresent();
        assertThat(tracking.metricHistory(kept, "r1", "loss")).hasSize(1);
        assertThat(tracking.data(kept, "r1").params()).containsEntry("lr", "0.1");
        assertThat(tracking.modelVersion(kept, "m", 1)).isPresent();
    }

    @Test
    void aSubtreeMovesWholeWithItsSecretsLeavingTheStayingTypesAndAConflictMovesNothing() {
        SecretStore secrets = new SecretStore(database(), Clock.systemUTC());
        String target = UUID.randomUUID().toString();
        ResourceId source = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/Origin/providers/"
                + "Microsoft.MachineLearningServices/workspaces/MyWs");
        ResourceId moved = ResourceId.parse("/subscriptions/" + target + "/resourceGroups/destination/providers/"
                + "Microsoft.MachineLearningServices/workspaces/MyWs");
        resources.insert(source, "japaneast", doc("ws"));
        ResourceId model = source.child("models", "m").child("versions", "1");
        resources.insert(source.child("models", "m"), "japaneast", doc("container"));
        ObjectNode version = doc("version");
        // References the move must rewrite (the id in another case, a caller's rewrite) and ones it must not (a
        // workspace whose name only starts the same).
        version.with("properties").put("codeId", source.id().toUpperCase(Locale.ROOT) + "/codes/c/versions/1")
                .put("uri", "azureml://old/MyWs/datastores/x").put("other", source.id() + "2/codes/c")
                .put("dollar", "a$1&b");
        resources.insert(model, "japaneast", version);
        ResourceId data = source.child("data", "d");
        resources.insert(data, "japaneast", doc("data"));
        secrets.put(source.child("datastores", "ds"), "key", "sealed-key");
        resources.insert(source.child("datastores", "ds"), "japaneast", doc("ds"));

        ResourceId assignment = ResourceId.parse(source.id() + "/providers/Microsoft.Authorization/roleAssignments/"
                + UUID.randomUUID());
        resources.insert(assignment, null, doc("reader on the workspace"));
        String etagBefore = resources.get(model).orElseThrow().etag();
        ResourceStore.MovedTree result = moveOne(source, moved, java.util.Set.of(data.typeKey()),
                java.util.Set.of(assignment.typeKey()), List.of(new ResourceStore.Rewrite("azureml://old/myws",
                        "azureml://new/$0&MyWs")));
        assertThat(result.dropped()).extracting(r -> r.id().id()).containsExactly(assignment.id());
        assertThat(resources.get(assignment)).isEmpty();
        assertThat(result.moved()).isEqualTo(4);
        assertThat(resources.get(source)).isEmpty();
        assertThat(resources.get(moved).orElseThrow().document().path("id").asText()).isEqualTo(moved.id());
        StoredResource movedVersion = resources.get(moved.child("models", "m").child("versions", "1")).orElseThrow();
        JsonNode p = movedVersion.document().path("properties");
        assertThat(movedVersion.document().path("id").asText()).isEqualTo(moved.id() + "/models/m/versions/1");
        assertThat(p.path("value").asText()).isEqualTo("version");
        assertThat(p.path("codeId").asText()).isEqualTo(moved.id() + "/codes/c/versions/1");
        assertThat(p.path("uri").asText()).isEqualTo("azureml://new/$0&MyWs/datastores/x");
        assertThat(p.path("other").asText()).isEqualTo(source.id() + "2/codes/c");
        assertThat(p.path("dollar").asText()).isEqualTo("a$1&b");
        assertThat(movedVersion.etag()).as("a row that spelled an old id out is rewritten").isNotEqualTo(etagBefore);
        assertThat(movedVersion.document().path("etag").asText()).isEqualTo(movedVersion.etag());
        assertThat(resources.listChildren(moved, "microsoft.machinelearningservices/workspaces/models")).hasSize(1);
        assertThat(resources.listInSubscription(target, moved.typeKey())).extracting(r -> r.id().id())
                .containsExactly(moved.id());
        assertThat(resources.get(data)).as("a staying type stays").isPresent();
        assertThat(secrets.get(moved.child("datastores", "ds"), "key")).contains("sealed-key");
        assertThat(secrets.get(source.child("datastores", "ds"), "key")).isEmpty();

        // Something already at the target: nothing moves back.
        resources.insert(source, "japaneast", doc("a new one at the source"));
        resources.insert(source.child("models", "m"), "japaneast", doc("blocks"));
        resources.insert(moved.child("codes", "c"), "japaneast", doc("x"));
        ResourceId sourceCode = source.child("codes", "c");
        resources.insert(sourceCode, "japaneast", doc("y"));
        assertThatThrownBy(() -> moveOne(source, moved, java.util.Set.of(), java.util.Set.of(), List.of()))
                .isInstanceOf(ArmException.class).extracting(e -> ((ArmException) e).code()).isEqualTo(ErrorCode.Conflict);
        assertThat(resources.get(source).orElseThrow().document().path("properties").path("value").asText())
                .isEqualTo("a new one at the source");
        assertThat(resources.get(sourceCode)).isPresent();
        assertThat(resources.get(moved.child("models", "m").child("versions", "1"))).isPresent();
    }

    private ResourceStore.MovedTree moveOne(ResourceId source, ResourceId target, java.util.Set<String> staying,
                                            java.util.Set<String> dropped, List<ResourceStore.Rewrite> rewrites) {
        return resources.moveTrees(List.of(new ResourceStore.MoveRoot(source, target)), staying, dropped, rewrites,
                (root, document, removed) -> { });
    }

    @Test
    void severalResourcesMoveInOneTransactionEachReferenceToAnyOfThemRewrittenAndEachRootEditedInIt() {
        String target = UUID.randomUUID().toString();
        ResourceId group = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/two");
        ResourceId targetGroup = ResourceId.parse("/subscriptions/" + target + "/resourceGroups/there");
        ResourceId workspace = ResourceId.parse(group.id() + "/providers/Microsoft.MachineLearningServices/workspaces/ws");
        ResourceId account = ResourceId.parse(group.id() + "/providers/Microsoft.Storage/storageAccounts/st");
        ObjectNode ws = doc("ws");
        ws.with("properties").put("storageAccount", account.id());
        resources.insert(workspace, "japaneast", ws);
        resources.insert(account, "japaneast", doc("account"));
        ResourceId assignment = ResourceId.parse(account.id() + "/providers/Microsoft.Authorization/roleAssignments/"
                + UUID.randomUUID());
        resources.insert(assignment, null, doc("on the account"));
        ResourceStore.MoveRoot movingWorkspace = new ResourceStore.MoveRoot(workspace,
                ResourceId.parse(targetGroup.id() + "/providers/Microsoft.MachineLearningServices/workspaces/ws"));
        ResourceStore.MoveRoot movingAccount = new ResourceStore.MoveRoot(account,
                ResourceId.parse(targetGroup.id() + "/providers/Microsoft.Storage/storageAccounts/st"));
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        ResourceStore.MovedTree result = resources.moveTrees(List.of(movingWorkspace, movingAccount), java.util.Set.of(),
                java.util.Set.of(assignment.typeKey()), List.of(), (root, document, dropped) -> {
                    document.with("properties").put("edited", root.target().id());
                    seen.put(root.source().name(), dropped.size());
                });
        assertThat(result.moved()).isEqualTo(2);
        assertThat(seen).containsEntry("ws", 0).containsEntry("st", 1);
        StoredResource movedWorkspace = resources.get(movingWorkspace.target()).orElseThrow();
        assertThat(movedWorkspace.document().path("properties").path("storageAccount").asText())
                .isEqualTo(movingAccount.target().id());
        assertThat(movedWorkspace.document().path("properties").path("edited").asText())
                .isEqualTo(movingWorkspace.target().id());
        assertThat(movedWorkspace.document().path("etag").asText()).isEqualTo(movedWorkspace.etag());
        assertThat(resources.get(workspace)).isEmpty();
        assertThat(resources.get(account)).isEmpty();

        // An edit that fails undoes the whole move.
        assertThatThrownBy(() -> resources.moveTrees(List.of(new ResourceStore.MoveRoot(movingWorkspace.target(),
                workspace), new ResourceStore.MoveRoot(movingAccount.target(), account)), java.util.Set.of(),
                java.util.Set.of(), List.of(), (root, document, dropped) -> {
                    throw new IllegalStateException("edit failed");
                })).hasMessageContaining("edit failed");
        assertThat(resources.get(movingWorkspace.target())).isPresent();
        assertThat(resources.get(movingAccount.target())).isPresent();
        assertThat(resources.get(workspace)).isEmpty();
    }

    @Test
    void rowsBelowAWorkspaceKeepTheirPlaceWhenItMovesAndReadAsTheNewOne() {
        String target = UUID.randomUUID().toString();
        ResourceId source = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/Here/providers/"
                + "Microsoft.MachineLearningServices/workspaces/ws");
        ResourceId moved = ResourceId.parse("/subscriptions/" + target + "/resourceGroups/There/providers/"
                + "Microsoft.MachineLearningServices/workspaces/ws");
        ResourceId neighbour = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/Here/providers/"
                + "Microsoft.MachineLearningServices/workspaces/ws2");
        resources.insert(source, "japaneast", doc("ws"));
        resources.insert(neighbour, "japaneast", doc("ws2"));
        ObjectNode job = doc("job");
        job.with("properties").put("codeId", source.id() + "/codes/c/versions/1")
                .put("input", "azureml://subscriptions/" + subscription + "/resourceGroups/Here/workspaces/ws/datastores/d/paths/x")
                .put("neighbour", neighbour.id() + "/codes/c").put("control", "\u0001 stays");
        ObjectNode model = doc("model");
        model.with("properties").put("jobId", source.id().toLowerCase(Locale.ROOT) + "/jobs/j1");
        resources.insert(source.child("models", "m"), "japaneast", model);
        ResourceId jobId = source.child("jobs", "j1");
        String etag = resources.insert(jobId, "japaneast", job).etag();
        ResourceId data = source.child("data", "d");
        resources.insert(data, "japaneast", doc("data"));
        resources.insert(data.child("versions", "1"), "japaneast", doc("data v1"));
        assertThat(resources.listInSubscription(subscription, jobId.typeKey())).extracting(r -> r.id().id())
                .containsExactly(jobId.id());
        assertThat(resources.listInGroup(subscription, "here", null)).hasSize(6);
        assertThat(resources.get(source.child("models", "m")).orElseThrow().document().path("properties").path("jobId")
                .asText()).as("read as written").isEqualTo(source.id().toLowerCase(Locale.ROOT) + "/jobs/j1");

        ResourceStore.MovedTree result = moveOne(source, moved, java.util.Set.of(data.typeKey(),
                data.child("versions", "1").typeKey()), java.util.Set.of(), List.of());
        assertThat(result.moved()).isEqualTo(3);
        ResourceId movedJob = moved.child("jobs", "j1");
        StoredResource read = resources.get(movedJob).orElseThrow();
        JsonNode p = read.document().path("properties");
        assertThat(read.id().id()).isEqualTo(movedJob.id());
        assertThat(read.document().path("id").asText()).isEqualTo(movedJob.id());
        assertThat(read.etag()).as("not rewritten").isEqualTo(etag);
        assertThat(p.path("codeId").asText()).isEqualTo(moved.id() + "/codes/c/versions/1");
        assertThat(resources.get(moved.child("models", "m")).orElseThrow().document().path("properties").path("jobId")
                .asText()).as("another spelling, rewritten").isEqualTo(moved.id() + "/jobs/j1");
        assertThat(p.path("input").asText()).isEqualTo("azureml://subscriptions/" + target
                + "/resourceGroups/There/workspaces/ws/datastores/d/paths/x");
        assertThat(p.path("neighbour").asText()).isEqualTo(neighbour.id() + "/codes/c");
        assertThat(p.path("control").asText()).isEqualTo("\u0001 stays");
        assertThat(resources.get(jobId)).isEmpty();
        assertThat(resources.listChildren(moved, jobId.typeKey())).extracting(r -> r.id().id()).containsExactly(movedJob.id());
        assertThat(resources.listInSubscription(target, jobId.typeKey())).extracting(r -> r.id().id())
                .containsExactly(movedJob.id());
        assertThat(resources.listInSubscription(subscription, jobId.typeKey())).isEmpty();
        assertThat(resources.countInGroup(target, "there")).isEqualTo(3);
        // What stayed is where it was, and a new workspace at the old place finds it below itself.
        assertThat(resources.countInGroup(subscription, "here")).isEqualTo(3);
        assertThat(resources.get(data.child("versions", "1"))).isPresent();
        resources.insert(source, "japaneast", doc("a new ws at the old place"));
        assertThat(resources.listChildren(source, data.typeKey())).hasSize(1);
        resources.delete(source);

        // Soft delete hides the subtree, recovery brings it back.
        resources.setTreeState(moved, ResourceState.ACTIVE, ResourceState.SOFT_DELETED);
        assertThat(resources.get(movedJob)).isEmpty();
        assertThat(resources.getSoftDeleted(movedJob)).isPresent();
        resources.setTreeState(moved, ResourceState.SOFT_DELETED, ResourceState.ACTIVE);

        // Back to where the data stayed: the two meet again; deleting the group takes all of it.
        moveOne(moved, source, java.util.Set.of(), java.util.Set.of(), List.of());
        assertThat(resources.listChildren(source, data.typeKey())).hasSize(1);
        assertThat(resources.get(jobId).orElseThrow().document().path("properties").path("input").asText())
                .isEqualTo("azureml://subscriptions/" + subscription + "/resourceGroups/Here/workspaces/ws/datastores/d/paths/x");
        // A row below a workspace that has no anchor yet (none was ever created there) gets one.
        ResourceId lone = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/Here/providers/"
                + "Microsoft.MachineLearningServices/workspaces/none/jobs/j");
        resources.insert(lone, "japaneast", doc("lone"));
        assertThat(resources.get(lone).orElseThrow().id().id()).isEqualTo(lone.id());
        assertThat(resources.deleteTree(ResourceId.resourceGroup(subscription, "here"))).isEqualTo(7);
        assertThat(resources.get(jobId)).isEmpty();
        assertThat(resources.listInSubscription(subscription, null)).isEmpty();
    }

    @Test
    void rowsWrittenBeforeAnchorsArePutBelowThemAndStillMove() {
        ResourceId workspace = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/old/providers/"
                + "Microsoft.MachineLearningServices/workspaces/legacy");
        ResourceId model = workspace.child("models", "m");
        database().jdbi().useHandle(handle -> {
            for (ResourceId id : List.of(workspace, model)) {
                String body = "{\"id\":\"" + id.id() + "\",\"properties\":{\"ws\":\"" + workspace.id() + "\"}}";
                handle.createUpdate("INSERT INTO resources (id_key, id, parent_key, type_key, subscription_key, group_key, "
                                + "name, location, body, state, etag, created_at, updated_at) VALUES (:key, :id, :parent, "
                                + ":type, :s, 'old', :name, 'japaneast', :body, 'ACTIVE', 'e', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                        .bind("key", id.key()).bind("id", id.id()).bind("parent", id.scope().toLowerCase(Locale.ROOT))
                        .bind("type", id.typeKey()).bind("s", subscription).bind("name", id.name()).bind("body", body)
                        .execute();
            }
        });
        assertThat(resources.anchorSubtrees()).isEqualTo(1);
        assertThat(resources.anchorSubtrees()).isZero();
        assertThat(resources.listChildren(workspace, model.typeKey())).extracting(r -> r.id().id()).containsExactly(model.id());
        ResourceId moved = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/new/providers/"
                + "Microsoft.MachineLearningServices/workspaces/legacy");
        moveOne(workspace, moved, java.util.Set.of(), java.util.Set.of(), List.of());
        StoredResource read = resources.get(moved.child("models", "m")).orElseThrow();
        assertThat(read.document().path("id").asText()).isEqualTo(moved.id() + "/models/m");
        assertThat(read.document().path("properties").path("ws").asText()).isEqualTo(moved.id());
    }

    @Test
    void aGroupWhoseNameChangesLengthWhenLowerCasedKeepsItsRowsBelowAWorkspaceIntact() {
        ResourceId workspace = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/Gr\u0130p/providers/"
                + "Microsoft.MachineLearningServices/workspaces/Ws");
        assertThat(workspace.key().length()).as("'\u0130' lower-cases to two characters").isEqualTo(workspace.id().length() + 1);
        ResourceId job = workspace.child("jobs", "Job1");
        resources.insert(workspace, "japaneast", doc("ws"));
        ObjectNode document = doc("job");
        document.with("properties").put("ws", workspace.id());
        resources.insert(job, "japaneast", document);
        StoredResource read = resources.get(job).orElseThrow();
        assertThat(read.id().id()).isEqualTo(job.id());
        assertThat(read.document().path("properties").path("ws").asText()).isEqualTo(workspace.id());
        ResourceId moved = ResourceId.parse("/subscriptions/" + subscription + "/resourceGroups/plain/providers/"
                + "Microsoft.MachineLearningServices/workspaces/Ws");
        moveOne(workspace, moved, java.util.Set.of(), java.util.Set.of(), List.of());
        assertThat(resources.listChildren(moved, job.typeKey())).extracting(r -> r.id().id())
                .containsExactly(moved.id() + "/jobs/Job1");
        assertThat(resources.get(moved.child("jobs", "Job1")).orElseThrow().document().path("properties").path("ws").asText())
                .isEqualTo(moved.id());
    }
}
