package ai.mint.platform;

import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to bring the platform up. A part whose address is given ({@code externalBootstrapServers},
 * {@code externalRegistryUrl}) is used as it is; a part without one is started embedded, with its data under
 * {@code dataDir}.
 *
 * @param dataDir                  where embedded parts keep their data ({@code kafka/}, {@code registry/}, logs)
 * @param externalBootstrapServers an existing cluster's {@code bootstrap.servers}, or null to start a broker
 * @param externalRegistryUrl      an existing registry's Confluent API URL, or null to start Apicurio
 * @param topics                   the topics to provision
 * @param registryReadyTimeout     how long to wait for the registry to answer
 * @param externalKafka            Kafka client properties of the external cluster (security); unused when embedded
 * @param externalRegistryUserInfo credentials of the external registry, or null
 * @param secure                   start the embedded parts in {@link SecureMode} (SASL/SCRAM over TLS, ACLs, registry
 *                                 credentials); only for a platform that is wholly embedded
 */
public record PlatformOptions(Path dataDir, String externalBootstrapServers, String externalRegistryUrl,
                              List<TopicSpec> topics, Duration registryReadyTimeout, Map<String, String> externalKafka,
                              String externalRegistryUserInfo, boolean secure) {

    public PlatformOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        topics = List.copyOf(topics);
        externalKafka = Map.copyOf(externalKafka);
        if (secure && (externalBootstrapServers != null || externalRegistryUrl != null)) {
            throw new PlatformException("--secure secures the embedded broker and registry; an external cluster or "
                    + "registry keeps its own security (reach it with --kafka-config)");
        }
    }

    /** Everything embedded under {@code dataDir}, every topic of {@link Topics#ALL}. */
    public static PlatformOptions embedded(Path dataDir) {
        return new PlatformOptions(dataDir, null, null, Topics.ALL, Duration.ofSeconds(120), Map.of(), null, false);
    }

    /** The same options using these external parts (either may be null: that part is then embedded). */
    public PlatformOptions withExternal(String bootstrapServers, String registryUrl) {
        return new PlatformOptions(dataDir, blankToNull(bootstrapServers), blankToNull(registryUrl), topics,
                registryReadyTimeout, externalKafka, externalRegistryUserInfo, secure);
    }

    /** The same options reaching the external parts with these client properties and registry credentials. */
    public PlatformOptions withExternalSecurity(Map<String, String> kafkaProperties, String registryUserInfo) {
        return new PlatformOptions(dataDir, externalBootstrapServers, externalRegistryUrl, topics,
                registryReadyTimeout, kafkaProperties, blankToNull(registryUserInfo), secure);
    }

    public PlatformOptions withTopics(List<TopicSpec> newTopics) {
        return new PlatformOptions(dataDir, externalBootstrapServers, externalRegistryUrl, newTopics,
                registryReadyTimeout, externalKafka, externalRegistryUserInfo, secure);
    }

    /** The same options, in secure mode or not. */
    public PlatformOptions withSecure(boolean secureMode) {
        return new PlatformOptions(dataDir, externalBootstrapServers, externalRegistryUrl, topics,
                registryReadyTimeout, externalKafka, externalRegistryUserInfo, secureMode);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
