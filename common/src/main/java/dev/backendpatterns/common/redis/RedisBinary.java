package dev.backendpatterns.common.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code redis-server} compatible executable: {@code valkey-server} or {@code redis-server} from the PATH
 * when its version is 7.0 or newer, otherwise the static Redis 7.0.15 that the {@code org.signal:embedded-redis}
 * artifact ships, extracted once into a cache directory. The environment variable {@code BP_REDIS_SERVER}
 * names an executable to use instead (or {@code bundled} to force the shipped one).
 */
public record RedisBinary(Path path, String name, String version, String origin) {
    private static final String BUNDLED_VERSION = "7.0.15";
    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

    public RedisBinary {
        if (!Files.isExecutable(path)) {
            throw new IllegalArgumentException("not an executable: " + path);
        }
    }

    /** Finds the binary to run, as described in the class comment. */
    public static RedisBinary locate() {
        String forced = System.getenv("BP_REDIS_SERVER");
        if (forced != null && !forced.isBlank() && !forced.equals("bundled")) {
            RedisBinary binary = probe(Paths.get(forced), "BP_REDIS_SERVER");
            if (binary == null) {
                throw new IllegalStateException("BP_REDIS_SERVER=" + forced + " is not a runnable redis-server 7.0+");
            }
            return binary;
        }
        if (forced == null || !forced.equals("bundled")) {
            for (String candidate : new String[] {"valkey-server", "redis-server"}) {
                Path onPath = findOnPath(candidate);
                if (onPath != null) {
                    RedisBinary binary = probe(onPath, "PATH");
                    if (binary != null) {
                        return binary;
                    }
                }
            }
        }
        return bundled();
    }

    /** The static Redis 7.0.15 of {@code org.signal:embedded-redis}, extracted to the cache on first use. */
    public static RedisBinary bundled() {
        String resource = "redis-server-" + BUNDLED_VERSION + "-" + platform();
        Path target = cacheDirectory().resolve(resource);
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no bundled Redis for this platform (" + resource
                        + "); install valkey-server or redis-server 7.0+ and put it on the PATH");
            }
            byte[] bytes = in.readAllBytes();
            if (!Files.isExecutable(target) || Files.size(target) != bytes.length) {
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), resource, ".tmp");
                Files.write(tmp, bytes);
                tmp.toFile().setExecutable(true, true);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the bundled Redis to " + target, e);
        }
        return new RedisBinary(target, "redis", BUNDLED_VERSION, "bundled (org.signal:embedded-redis)");
    }

    /** The server at {@code executable} (a link is run under its own name), or null if it is not a runnable 7.0+ one. */
    public static RedisBinary at(Path executable) {
        return probe(executable, "given");
    }

    static RedisBinary probe(Path executable, String origin) {
        try {
            Process p = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            Matcher m = VERSION.matcher(out);
            if (!m.find() || Integer.parseInt(m.group(1)) < 7) {
                return null;
            }
            String name = out.toLowerCase(Locale.ROOT).contains("valkey") ? "valkey" : "redis";
            // not toRealPath(): Debian's valkey-server and redis-server are links to the check-rdb tool, which serves
            // only when called by the server's name
            return new RedisBinary(executable.toAbsolutePath().normalize(), name, m.group(1) + "." + m.group(2) + "." + m.group(3), origin);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Whether this server has WAITAOF: Valkey, or Redis 7.2 and later (the bundled 7.0.15 has not). */
    public boolean hasWaitAof() {
        String[] v = version.split("\\.");
        int major = Integer.parseInt(v[0]);
        return name.equals("valkey") || major > 7 || (major == 7 && Integer.parseInt(v[1]) >= 2);
    }

    /** {@code command} in a directory of the PATH, or null. */
    public static Path findOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osPart = os.contains("mac") || os.contains("darwin") ? "darwin" : os.contains("linux") ? "linux" : os;
        String archPart = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return osPart + "-" + archPart;
    }

    private static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("backend-patterns");
    }

    @Override
    public String toString() {
        return name + " " + version + " (" + path + ", " + origin + ")";
    }
}
