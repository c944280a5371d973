package dev.backendpatterns.streams;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.streams.handoff.HintedHandoffCommand;
import dev.backendpatterns.streams.leaky.LeakyBucketCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar streams.jar hinted-handoff|leaky-bucket}: the stream patterns. */
@Command(name = "streams", mixinStandardHelpOptions = true, version = "backend-patterns streams 0.1.0",
        subcommands = {HintedHandoffCommand.class, LeakyBucketCommand.class},
        description = {
            "Stream patterns on Redis Streams and Kafka:",
            "  hinted-handoff  a Bloom filter rebuilt from its durable log (alias hinted_handoff)",
            "  leaky-bucket    consumers draining a burst at a fixed rate, with redelivery (aliases leaky_bucket, leakey_bucket)",
            "Exit codes: 0 done, 1 failure, 2 bad input, 3 done but a check failed (an entry lost), 130 stopped by Ctrl-C."})
public final class StreamsCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new CommandLine(new StreamsCommand()), args));
    }

    @Override
    public Integer call() {
        throw new UsageException("give a subcommand: hinted-handoff or leaky-bucket");
    }
}
