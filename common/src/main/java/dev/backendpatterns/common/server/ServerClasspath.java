package dev.backendpatterns.common.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime classpath of a server that runs as a forked JVM (Kafka, Cassandra). Maven resolves it when the suite
 * is built (modules {@code servers/kafka} and {@code servers/cassandra}) and this jar carries the list as a
 * resource: the jars themselves stay in the local Maven repository of the machine that ran the build, and never
 * load into the benchmark's own JVM.
 */
public final class ServerClasspath {
    private ServerClasspath() {
    }

    /** The classpath of {@code server} ({@code kafka} or {@code cassandra}), checked to exist on this machine. */
    public static List<Path> of(String server) {
        String resource = server + "/classpath.txt";
        String text;
        try (InputStream in = ServerClasspath.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("this build carries no " + server + " classpath; build the suite with ./mvnw package");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> entries = new ArrayList<>();
        for (String entry : text.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path jar = Path.of(entry);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("the embedded " + server + " needs " + jar + ", which is not on this machine: "
                        + "run ./mvnw package here (the server's jars come from the local Maven repository of the build)");
            }
            entries.add(jar);
        }
        return entries;
    }

    /** The version of {@code artifact} on the classpath, from its jar's name ({@code kafka_2.13-4.1.1.jar}). */
    public static String version(List<Path> classpath, String artifact) {
        for (Path jar : classpath) {
            String name = jar.getFileName().toString();
            if (name.startsWith(artifact + "-") && name.endsWith(".jar")) {
                return name.substring(artifact.length() + 1, name.length() - 4);
            }
        }
        return "unknown";
    }

    public static String join(List<Path> classpath) {
        return String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList());
    }
}
