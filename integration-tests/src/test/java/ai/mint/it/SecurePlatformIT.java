package ai.mint.it;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.cli.MintCli;
import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.KafkaPropertyOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.platform.SecureMode;
import ai.mint.platform.TenantAccess;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.Tenant;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code mint up --secure} against the real broker's authorizer and the real registry: two tenants, each with the
 * client file {@code mint tenant add} writes. What one tenant may do (write its own requests, read its own answers,
 * read the registry) works; what touches the other tenant's topics, the shared topics or the registry's schemas is
 * refused by the broker or the registry, not by our code.
 */
class SecurePlatformIT {

    private static Path dir;
    private static EmbeddedPlatform platform;
    private static SecureMode secure;
    private static PlatformConnection acme;
    private static PlatformConnection globex;
    private static PlatformConnection service;
    private static final Tenant ACME = new Tenant("acme");
    private static final Tenant GLOBEX = new Tenant("globex");

    @BeforeAll
    static void startSecurePlatform() throws IOException {
        dir = Files.createTempDirectory("mint-it-secure-");
        platform = EmbeddedPlatform.start(PlatformOptions.embedded(dir).withSecure(true));
        secure = platform.secureMode().orElseThrow();
        acme = connectionOf(TenantAccess.addTenant(platform.connection(), secure, ACME));
        globex = connectionOf(addWithTheCli(GLOBEX));
        service = connectionOf(secure.serviceFile());
    }

    @AfterAll
    static void stop() throws IOException {
        if (platform != null) {
            platform.close();
        }
        TestFiles.deleteTree(dir);
    }

    /** {@code mint tenant add NAME}, as the admin, through the connection file {@code mint up --secure} writes. */
    private static Path addWithTheCli(Tenant tenant) {
        Path connectionFile = dir.resolve("connection");
        ConnectionFile.write(platform.connection(), connectionFile);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MintCli.commandLine(InputStream.nullInputStream(), new PrintWriter(out, true),
                new PrintWriter(err, true)).execute("tenant", "add", tenant.name(), "--data-dir", dir.toString(),
                "--connection-file", connectionFile.toString());
        assertThat(code).as("mint tenant add: %s", err).isZero();
        assertThat(err.toString()).contains(tenant.topic(Tenant.Kind.POLICY_SPECS), "--kafka-config");
        Path file = Path.of(out.toString().trim());
        assertThat(file).isEqualTo(secure.tenantFile(tenant.name()));
        return file;
    }

    /** A client connection as a command gets it from {@code --kafka-config FILE} and the platform's addresses. */
    private static PlatformConnection connectionOf(Path clientFile) {
        KafkaPropertyOptions.Given given = KafkaPropertyOptions.fromFile(clientFile);
        return new PlatformConnection(platform.bootstrapServers(), platform.schemaRegistryUrl(), given.userInfo(),
                null, given.properties(), given.catalogUserInfo());
    }

    @Test
    void shouldLetATenantWriteItsRequestsAndReadItsAnswersThroughTheServicePrincipal() throws Exception {
        TopicSpec acmeSpecs = ACME.spec(Tenant.Kind.POLICY_SPECS);
        SpecificRecord spec = SampleEvents.sample(acmeSpecs, "acme.chat");
        send(acme, acmeSpecs, "acme.chat", spec);
        // the platform's services read the tenant's request and answer on the tenant's own answer topic
        assertThat(Events.deserialize(acmeSpecs, readFirst(service, acmeSpecs.name()).value(),
                service.registry())).isEqualTo(spec);

        TopicSpec acmeResponses = ACME.spec(Tenant.Kind.INFERENCE_RESPONSES);
        SpecificRecord response = SampleEvents.sample(acmeResponses, "acme.chat");
        send(service, acmeResponses, "acme.chat", response);
        ConsumerRecord<String, byte[]> read = readFirst(acme, acmeResponses.name());
        assertThat(Events.deserialize(acmeResponses, read.value(), acme.registry())).isEqualTo(response);
    }

    @Test
    void shouldRefuseATenantReadingAnotherTenantsResponsesOrUsingItsGroups() throws Exception {
        TopicSpec globexResponses = GLOBEX.spec(Tenant.Kind.INFERENCE_RESPONSES);
        send(service, globexResponses, "globex.chat", SampleEvents.sample(globexResponses, "globex.chat"));
        assertThat(readFirst(globex, globexResponses.name())).isNotNull();

        assertThatThrownBy(() -> readFirst(acme, globexResponses.name()))
                .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(globexResponses.name());
        assertThatThrownBy(() -> readFirst(acme, Topics.INFERENCE_RESPONSES.name()))
                .isInstanceOf(TopicAuthorizationException.class);
        // its own topic, but another tenant's consumer group
        assertThatThrownBy(() -> readWithGroup(acme, ACME.topic(Tenant.Kind.INFERENCE_RESPONSES), "globex.replies"))
                .isInstanceOf(GroupAuthorizationException.class);
        assertThat(readWithGroup(globex, globexResponses.name(), "globex.replies")).isNotEmpty();
    }

    @Test
    void shouldRefuseATenantWritingAnotherTenantsSpecsPromotionsOrRollbacks() {
        for (Tenant.Kind kind : List.of(Tenant.Kind.POLICY_SPECS, Tenant.Kind.SERVE_REQUESTS,
                Tenant.Kind.ROLLBACK_REQUESTS, Tenant.Kind.INFERENCE_REQUESTS)) {
            TopicSpec theirs = GLOBEX.spec(kind);
            assertThatThrownBy(() -> send(acme, theirs, "globex.chat", SampleEvents.sample(theirs, "globex.chat")))
                    .as("acme writing %s", theirs.name())
                    .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(theirs.name());
            // nor around the tenant topics, straight into the platform's shared ones
            // (the value framed with the admin's registry: the tenant may not register the shared topic's schema)
            assertThatThrownBy(() -> send(acme, platform.connection().registry(), kind.shared(), "globex.chat",
                    SampleEvents.sample(kind.shared(), "globex.chat")))
                    .as("acme writing %s", kind.shared().name()).isInstanceOf(TopicAuthorizationException.class);
        }
        // not even its own answers: those come from the platform
        TopicSpec ownResults = ACME.spec(Tenant.Kind.SERVE_RESULTS);
        assertThatThrownBy(() -> send(acme, ownResults, "acme.chat", SampleEvents.sample(ownResults, "acme.chat")))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void shouldRefuseTenantsAndServicesGrantingThemselvesAccess() throws Exception {
        AclBinding readGlobex = new AclBinding(new ResourcePattern(ResourceType.TOPIC,
                GLOBEX.topic(Tenant.Kind.INFERENCE_RESPONSES), PatternType.LITERAL),
                new AccessControlEntry(ACME.principal(), "*", AclOperation.READ, AclPermissionType.ALLOW));
        for (PlatformConnection principal : List.of(acme, service)) {
            try (Admin admin = KafkaClients.of(principal).admin("it-secure-admin")) {
                assertThatThrownBy(() -> admin.createAcls(List.of(readGlobex)).all().get())
                        .hasCauseInstanceOf(ClusterAuthorizationException.class);
            }
        }
        assertThatThrownBy(() -> readFirst(acme, GLOBEX.topic(Tenant.Kind.INFERENCE_RESPONSES)))
                .isInstanceOf(TopicAuthorizationException.class);
        try (Admin admin = KafkaClients.of(platform.connection()).admin("it-secure-admin")) {
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get())
                    .as("the admin sees every tenant's ACLs").extracting(b -> b.entry().principal())
                    .contains(ACME.principal(), GLOBEX.principal(), "User:" + TenantAccess.SERVICE);
        }
    }

    @Test
    void shouldRunTheCatalogAsTheServicePrincipalAndAskForItsCredentialOnTheQueryApi() throws Exception {
        Map<String, Object> settings = new HashMap<>();
        KafkaPropertyOptions.Given file = KafkaPropertyOptions.fromFile(secure.serviceFile());
        file.properties().forEach((k, v) -> settings.put(PlatformConnection.KAFKA_PREFIX + k, v));
        settings.put(PlatformConnection.SCHEMA_REGISTRY_USER_INFO, file.userInfo());
        settings.put(PlatformConnection.CATALOG_USER_INFO, file.catalogUserInfo());
        settings.put(CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers());
        settings.put(CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl());
        settings.put(CatalogConfig.STATE_DIR, dir.resolve("catalog").toString());
        settings.put(CatalogConfig.HTTP_PORT, 0);
        String policy = "secure-" + UUID.randomUUID();
        try (RunningCatalog catalog = CatalogApp.start(new CatalogConfig(settings))) {
            send(service, Topics.POLICY_SPECS, policy, SampleEvents.sample(Topics.POLICY_SPECS, policy));
            HttpClient http = HttpClient.newHttpClient();
            String url = catalog.queryUrl() + "/policies/" + policy;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(get(http, url, file.catalogUserInfo()).statusCode()).isEqualTo(200));
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(get(http, url, platform.connection().catalogUserInfo()).statusCode())
                    .as("the admin's connection carries the catalog's credential too").isEqualTo(200);
            assertThat(acme.catalogUserInfo()).as("tenants get no catalog credential").isNull();

            // a tenant's specs reach the catalog through its own topic; one naming another tenant's policy does not
            TopicSpec acmeSpecs = ACME.spec(Tenant.Kind.POLICY_SPECS);
            String foreign = "globex." + UUID.randomUUID();
            String own = "acme." + UUID.randomUUID();
            send(acme, acmeSpecs, foreign, SampleEvents.sample(acmeSpecs, foreign));
            send(acme, acmeSpecs, own, SampleEvents.sample(acmeSpecs, own));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(get(http, catalog.queryUrl() + "/policies/" + own, file.catalogUserInfo())
                            .statusCode()).isEqualTo(200));
            assertThat(get(http, catalog.queryUrl() + "/policies/" + foreign, file.catalogUserInfo()).statusCode())
                    .isEqualTo(404);
            // the query API answers from the stores, ahead of the transaction that commits the dead letter
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(Events.readAll(platform.connection(), Topics.DEAD_LETTER.name(),
                            r -> r.key() != null && r.key().contains(foreign))).hasSize(1));

            // and it promotes through its own serve topic and reads the catalog's answer on its own results topic
            // (refused here: the policy has no revision yet, but the answer is the tenant's to read)
            TopicSpec acmeServes = ACME.spec(Tenant.Kind.SERVE_REQUESTS);
            send(acme, acmeServes, own, SampleEvents.sample(acmeServes, own));
            List<ConsumerRecord<String, byte[]>> answers = readWithGroup(acme,
                    ACME.topic(Tenant.Kind.SERVE_RESULTS), "acme.serve-answers", r -> own.equals(r.key()));
            assertThat(answers).as("the serve answer on %s", ACME.topic(Tenant.Kind.SERVE_RESULTS)).hasSize(1);
        }
    }

    @Test
    void shouldRefuseClientsWithoutCredentialsOrWithAWrongPassword() {
        Map<String, String> wrong = secure.clientProperties(ACME.name(), "not-the-password");
        PlatformConnection impostor = new PlatformConnection(platform.bootstrapServers(), null, null, null, wrong);
        assertThatThrownBy(() -> readFirst(impostor, ACME.topic(Tenant.Kind.INFERENCE_RESPONSES)))
                .isInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void shouldAskForRegistryCredentialsAndLetTenantsOnlyRead() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String subjects = platform.schemaRegistryUrl() + "/subjects";
        assertThat(http.send(HttpRequest.newBuilder(URI.create(subjects)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(get(http, subjects, acme.registryUserInfo()).statusCode()).isEqualTo(200);

        String subject = platform.schemaRegistryUrl() + "/subjects/it-secure-value/versions";
        String schema = "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}";
        assertThat(post(http, subject, acme.registryUserInfo(), schema).statusCode()).isEqualTo(403);
        assertThat(post(http, subject, platform.connection().registryUserInfo(), schema).statusCode())
                .isEqualTo(200);
    }

    private static HttpResponse<String> get(HttpClient http, String url, String userInfo) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic(userInfo)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, String url, String userInfo, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic(userInfo))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one event as {@code principal}; the broker's refusal comes out as the exception itself. */
    private static void send(PlatformConnection principal, TopicSpec topic, String key, SpecificRecord event)
            throws Exception {
        send(principal, principal.registry(), topic, key, event);
    }

    private static void send(PlatformConnection principal, SchemaRegistryClient registry, TopicSpec topic, String key,
                             SpecificRecord event) throws Exception {
        byte[] value = Events.serialize(topic, event, registry);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.of(principal).producer("it-secure",
                new StringSerializer(), new ByteArraySerializer(), Map.of("max.block.ms", 10_000))) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The first record of the topic's partitions, read with {@code assign} (no group) as {@code principal}. */
    private static ConsumerRecord<String, byte[]> readFirst(PlatformConnection principal, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.of(principal).consumer("it-secure",
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < Topics.require(topic).partitions(); p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    return r;
                }
            }
            throw new AssertionError("no record on " + topic + " within 20 s");
        }
    }

    /** Records read by subscribing with consumer group {@code group}. */
    private static List<ConsumerRecord<String, byte[]>> readWithGroup(PlatformConnection principal, String topic,
                                                                     String group) {
        return readWithGroup(principal, topic, group, r -> true);
    }

    /** The records that {@code wanted} accepts, read by subscribing with consumer group {@code group}. */
    private static List<ConsumerRecord<String, byte[]>> readWithGroup(PlatformConnection principal, String topic,
                                                                     String group,
                                                                     java.util.function.Predicate<ConsumerRecord<String, byte[]>> wanted) {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.of(principal).consumer("it-secure",
                new StringDeserializer(), new ByteArrayDeserializer(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r)) {
                        records.add(r);
                    }
                });
            }
            return records;
        }
    }
}
