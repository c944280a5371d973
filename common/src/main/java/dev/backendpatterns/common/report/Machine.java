package dev.backendpatterns.common.report;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/** The machine and build a result was measured on: cores, CPU model, memory, OS, JDK, git commit and suite version. */
public record Machine(int cores, String cpu, Long memoryBytes, String os, String jdk, String gitCommit, String suiteVersion) {

    /** This machine and build. */
    public static Machine current() {
        Long memory = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os ? os.getTotalMemorySize() : null;
        Properties build = buildProperties();
        return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), memory,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
                build.getProperty("git.commit", "unknown") + ("true".equals(build.getProperty("git.dirty")) ? "-dirty" : ""),
                build.getProperty("version", "unknown"));
    }

    /** One line for people, e.g. "2 cores (AMD EPYC), 24 GiB, Linux 6.1 amd64, OpenJDK 17.0.15". */
    public String summary() {
        String gib = memoryBytes == null ? "" : String.format(Locale.ROOT, " %.0f GiB,", memoryBytes / (1024.0 * 1024 * 1024));
        return cores + " cores (" + cpu + ")," + gib + " " + os + ", " + jdk;
    }

    private static String cpuModel() {
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            }
        } catch (IOException e) {
            // the architecture says enough
        }
        return System.getProperty("os.arch");
    }

    private static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = Machine.class.getResourceAsStream("/dev/backendpatterns/common/build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // unknown commit
        }
        String commit = properties.getProperty("git.commit", "");
        if (commit.isEmpty() || commit.startsWith("${")) {
            properties.setProperty("git.commit", "unknown");
        }
        return properties;
    }
}
