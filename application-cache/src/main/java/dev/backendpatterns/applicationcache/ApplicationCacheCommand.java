package dev.backendpatterns.applicationcache;

import dev.backendpatterns.applicationcache.invalidation.CacheInvalidationCommand;
import dev.backendpatterns.applicationcache.rfilter.RFilterCommand;
import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.UsageException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar application-cache.jar r-filter|cache-invalidation}: the application-cache patterns. */
@Command(name = "application-cache", mixinStandardHelpOptions = true, version = "backend-patterns application-cache 0.1.0",
        subcommands = {RFilterCommand.class, CacheInvalidationCommand.class},
        description = {
            "Application-cache patterns on Redis and ScyllaDB/Cassandra:",
            "  r-filter            a Bloom filter (or R filter) in front of the store, so queries for absent keys skip it",
            "  cache-invalidation  cache-aside write strategies, measured for stale reads under injected failures",
            "Exit codes: 0 done, 1 failure, 2 bad input, 3 done but requests failed or a check failed, 130 stopped by Ctrl-C."})
public final class ApplicationCacheCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new CommandLine(new ApplicationCacheCommand()), args));
    }

    @Override
    public Integer call() {
        throw new UsageException("give a subcommand: r-filter or cache-invalidation");
    }
}
