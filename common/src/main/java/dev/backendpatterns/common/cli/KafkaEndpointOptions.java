package dev.backendpatterns.common.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the Kafka of a run is: {@code --kafka} bootstrap servers (one or a cluster) with optional extra client
 * properties from {@code --kafka-config} (SASL, SSL...), or neither, in which case the command starts an embedded
 * Kafka (three nodes with {@code --cluster}).
 */
public final class KafkaEndpointOptions {

    @Option(names = "--kafka", paramLabel = "HOST:PORT", split = ",",
            description = "Bootstrap servers of an external Kafka, comma-separated. Without it an embedded Kafka is started.")
    List<String> bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Extra Kafka client properties (security.protocol, sasl.*, ssl.*...) for every producer, consumer and admin.")
    Path config;

    @Option(names = "--kafka-heap", defaultValue = "512m", paramLabel = "SIZE",
            description = "Heap of each embedded Kafka node (default: ${DEFAULT-VALUE}).")
    String heap = "512m";

    public KafkaEndpointOptions() {
    }

    public static KafkaEndpointOptions external(String bootstrapServers) {
        KafkaEndpointOptions o = new KafkaEndpointOptions();
        o.bootstrapServers = List.of(bootstrapServers.split(","));
        return o;
    }

    public void validate() {
        if (bootstrapServers != null) {
            for (String server : bootstrapServers) {
                if (!server.matches("[^:,]+:\\d{1,5}")) {
                    throw new UsageException("--kafka takes host:port[,host:port...], got '" + server + "'");
                }
            }
        }
        if (config != null && !Files.isReadable(config)) {
            throw new UsageException("--kafka-config " + config + " is not a readable file");
        }
        if (!heap.matches("\\d+[kmgKMG]?")) {
            throw new UsageException("--kafka-heap takes a size like 512m or 1g, was '" + heap + "'");
        }
    }

    public boolean embedded() {
        return bootstrapServers == null;
    }

    public String bootstrapServers() {
        return bootstrapServers == null ? null : String.join(",", bootstrapServers);
    }

    public String heap() {
        return heap;
    }

    /** The properties of {@code --kafka-config}, or none. */
    public Properties extraProperties() {
        Properties properties = new Properties();
        if (config != null) {
            try (Reader in = Files.newBufferedReader(config)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UsageException("cannot read --kafka-config " + config + ": " + e.getMessage());
            }
        }
        return properties;
    }
}
