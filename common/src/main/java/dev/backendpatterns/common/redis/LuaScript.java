package dev.backendpatterns.common.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Duration;

/**
 * A Lua script kept as a {@code .lua} resource, called by its SHA-1 with EVALSHA. When a server answers
 * NOSCRIPT (restarted, failed over, SCRIPT FLUSH) the call is retried once with EVAL, which also caches the
 * script on that server, so later calls go back to EVALSHA.
 */
public final class LuaScript {
    private final String name;
    private final String source;
    private final byte[] body;
    private final String sha;

    public LuaScript(String name, String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("script " + name + " is empty");
        }
        this.name = name;
        this.source = source;
        this.body = source.getBytes(StandardCharsets.UTF_8);
        this.sha = sha1(body);
    }

    /** Loads {@code resource} next to {@code anchor}'s class file. */
    public static LuaScript fromResource(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource + " next to " + anchor.getName());
            }
            return new LuaScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    public String sha() {
        return sha;
    }

    /**
     * Loads the script into the cache of every node the connection reaches (Lettuce sends SCRIPT LOAD to every
     * cluster node), so that the first EVALSHA does not pay a NOSCRIPT round trip.
     */
    public void load(RedisConnection connection, Duration timeout) {
        CompletableFuture<String> loaded = connection.async().scriptLoad(body).toCompletableFuture();
        try {
            // on a cluster Lettuce writes the SCRIPT LOADs to node connections that it may still be opening, so on a
            // connection that batches writes one flush can come before them: flush until they are answered
            long deadline = System.nanoTime() + timeout.toNanos();
            String digest = null;
            while (digest == null) {
                connection.flush();
                try {
                    digest = loaded.get(10, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw e;
                    }
                }
            }
            if (!sha.equals(digest)) {
                throw new IllegalStateException("server computed SHA " + digest + " for " + name + ", expected " + sha);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot load script " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + name, e);
        }
    }

    /**
     * Runs the script with EVALSHA, falling back to EVAL on NOSCRIPT. The fallback is flushed at once, so it also
     * works on a connection that batches writes.
     */
    public <T> CompletionStage<T> run(RedisConnection connection, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return run(connection.async(), connection::flush, type, keys, args);
    }

    /**
     * Runs the script on {@code redis}, a connection that writes at once (auto-flush on), such as the node connection of
     * {@link RedisConnection#nodeOf}; EVAL on NOSCRIPT as above.
     */
    public <T> CompletionStage<T> run(RedisClusterAsyncCommands<byte[], byte[]> redis, ScriptOutputType type, byte[][] keys,
            byte[]... args) {
        return run(redis, () -> { }, type, keys, args);
    }

    private <T> CompletionStage<T> run(RedisClusterAsyncCommands<byte[], byte[]> redis, Runnable flush, ScriptOutputType type,
            byte[][] keys, byte[]... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        redis.<T>evalsha(sha, type, keys, args).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else if (unwrap(error) instanceof RedisNoScriptException) {
                redis.<T>eval(body, type, keys, args).whenComplete((retried, retryError) -> {
                    if (retryError == null) {
                        result.complete(retried);
                    } else {
                        result.completeExceptionally(unwrap(retryError));
                    }
                });
                flush.run();
            } else {
                result.completeExceptionally(unwrap(error));
            }
        });
        return result;
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static String sha1(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
