package dev.backendpatterns.common.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port that is free on a loopback address right now. Ports are taken below the system's ephemeral range
 * (Linux: {@code /proc/sys/net/ipv4/ip_local_port_range}), so that a client socket opened meanwhile, say a cluster
 * node connecting to another, cannot be given the port a server is about to listen on. A server started next may
 * still lose a port to another server; the launchers report that with the server's log.
 */
public final class LoopbackPort {
    private static final int LOWEST = 10_000;

    private LoopbackPort() {
    }

    public static int free(String host) {
        int below = ephemeralStart();
        for (int attempt = 0; attempt < 200 && below > LOWEST; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (bindable(host, port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private static boolean bindable(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(host), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the ephemeral range, or 32768 (Linux's default) where it cannot be read. */
    private static int ephemeralStart() {
        try {
            Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
            if (Files.isReadable(range)) {
                return Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return 32_768;
    }
}
