package dev.backendpatterns.pubsub;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.pubsub.dashboard.DashboardCommand;
import dev.backendpatterns.pubsub.exchange.StockExchangeCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar pubsub.jar dashboard|stock-exchange}: the pub/sub patterns. */
@Command(name = "pubsub", mixinStandardHelpOptions = true, version = "backend-patterns pubsub 0.1.0",
        subcommands = {DashboardCommand.class, StockExchangeCommand.class},
        description = {
            "Pub/sub patterns on Redis sharded pub/sub and Kafka:",
            "  dashboard       a contest's realtime leaderboard (alias realtime_dashboard)",
            "  stock-exchange  a market: orders, one matching engine, a price feed (alias stock_exchange)",
            "Exit codes: 0 done, 1 failure, 2 bad input, 3 done but publishes failed or a check failed, 130 stopped by Ctrl-C."})
public final class PubSubCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new CommandLine(new PubSubCommand()), args));
    }

    @Override
    public Integer call() {
        throw new UsageException("give a subcommand: dashboard or stock-exchange");
    }
}
