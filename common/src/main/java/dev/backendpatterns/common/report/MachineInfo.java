package dev.backendpatterns.common.report;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The machine and build a result was measured on: cores, memory, CPU model, OS, JDK and git commit. */
public final class MachineInfo {
    private MachineInfo() {
    }

    public static Map<String, Object> describe() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            machine.put("memory_bytes", os.getTotalMemorySize());
        }
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        Properties build = buildProperties();
        machine.put("git_commit", build.getProperty("git.commit", "unknown")
                + ("true".equals(build.getProperty("git.dirty")) ? "-dirty" : ""));
        machine.put("suite_version", build.getProperty("version", "unknown"));
        return machine;
    }

    /** A one-line summary for human output, e.g. "2 cores (Intel Xeon ...), 24 GiB, Linux 6.1, JDK 17.0.15". */
    public static String summary() {
        Map<String, Object> m = describe();
        Object memory = m.get("memory_bytes");
        String gib = memory instanceof Long bytes ? String.format(" %.0f GiB,", bytes / (1024.0 * 1024 * 1024)) : "";
        return m.get("cores") + " cores (" + m.get("cpu") + ")," + gib + " " + m.get("os") + ", " + m.get("jdk");
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
            // fall through
        }
        return System.getProperty("os.arch");
    }

    private static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = MachineInfo.class.getResourceAsStream("/dev/backendpatterns/common/build.properties")) {
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
