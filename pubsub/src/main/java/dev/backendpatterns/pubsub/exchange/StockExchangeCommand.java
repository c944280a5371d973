package dev.backendpatterns.pubsub.exchange;

import dev.backendpatterns.common.cli.BrokerKind;
import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.cli.KafkaEndpointOptions;
import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.load.Gauge;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Warmup;
import dev.backendpatterns.common.messaging.DeliveryReport;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.Parameters;
import dev.backendpatterns.common.run.PatternResult;
import dev.backendpatterns.common.run.PatternRun;
import dev.backendpatterns.pubsub.LiveScreen;
import dev.backendpatterns.pubsub.broker.Broker;
import dev.backendpatterns.pubsub.broker.KafkaBroker;
import dev.backendpatterns.pubsub.broker.RedisBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pubsub stock-exchange}: the reference's market, orders and price feed over Redis sharded pub/sub or Kafka. */
@Command(name = "stock-exchange", aliases = "stock_exchange", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Traders send market and limit orders (and updates and cancels) on the order channel; one matching engine fills "
                    + "them with price-time priority and publishes each new price on the price channel, which every trader "
                    + "receives. Checks that cash and shares are conserved, no balance goes negative, the book is never "
                    + "crossed and every fill has its counter-fill; reports orders matched per second, order and price-feed "
                    + "latency, and lost messages.",
            "Without an endpoint it starts an embedded Redis (a Redis Cluster with --cluster) or Kafka (3 nodes with --cluster)."})
public final class StockExchangeCommand implements Callable<Integer> {
    private static final int OPENING_PRICE = 5_000;
    private static final int BOOK_LEVELS = 50;
    private static final int ORDERS_PER_LEVEL = 100;
    private static final int HOUSE_ORDER_QUANTITY = 5;
    private static final int MAX_MESSAGE_BYTES = 256;

    @Option(names = "--broker", paramLabel = "redis|kafka", converter = BrokerKind.Converter.class,
            description = "Redis sharded pub/sub (default) or Kafka topics (default: redis, or kafka when --kafka is given).")
    BrokerKind broker;

    @Option(names = {"--participants", "-participants"}, defaultValue = "2000", paramLabel = "N",
            description = "Traders (default: ${DEFAULT-VALUE}, the reference's published scale).")
    int participants;

    @Option(names = {"--funds", "-funds"}, defaultValue = "1000000", paramLabel = "CASH",
            description = "Cash of each trader, in ticks; each also holds funds / 5,000 shares (default: ${DEFAULT-VALUE}).")
    long funds;

    @Option(names = {"--volatility", "-volatility"}, defaultValue = "0", paramLabel = "TICKS",
            description = "How much farther from the price limit orders may be placed: 1 to 10 + this many ticks (default: ${DEFAULT-VALUE}).")
    int volatility;

    @Option(names = {"--durations", "-durations"}, defaultValue = "20", paramLabel = "SECONDS",
            description = "Length of the run in seconds (default: ${DEFAULT-VALUE}).")
    int durations;

    @Option(names = {"--semaphore", "-semaphore"}, defaultValue = "20000", paramLabel = "N",
            description = "Most orders in flight (default: ${DEFAULT-VALUE}).")
    int semaphore;

    @Option(names = "--feed-subscribers", defaultValue = "4", paramLabel = "N",
            description = "Subscriptions of the price channel, each serving a share of the traders (default: ${DEFAULT-VALUE}).")
    int feedSubscribers;

    @Option(names = "--drain", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long to wait for messages in transit after the run before counting the rest as lost (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--no-ui", description = "Print the market as plain lines, even on a terminal.")
    boolean noUi;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the traders' decisions (default: random).")
    Long seed;

    @Mixin
    OutputOptions output;

    @Mixin
    RedisEndpointOptions redis;

    @Mixin
    KafkaEndpointOptions kafka;

    @Mixin
    ServerOptions servers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        broker = BrokerKind.resolve(broker, redis, kafka);
        UsageException.require(participants >= 1, "--participants must be at least 1, was " + participants);
        UsageException.require(funds >= 0, "--funds must not be negative, was " + funds);
        UsageException.require(volatility >= 0, "--volatility must not be negative, was " + volatility);
        UsageException.require(durations >= 1, "--durations must be at least 1 second, was " + durations);
        UsageException.require(semaphore >= 1, "--semaphore must be positive, was " + semaphore);
        UsageException.require(feedSubscribers >= 1 && feedSubscribers <= 64, "--feed-subscribers must be between 1 and 64, was " + feedSubscribers);
        UsageException.require(drainSeconds >= 0, "--drain must not be negative, was " + drainSeconds);
        int inFlight = broker == BrokerKind.REDIS ? Math.min(semaphore, RedisTarget.REQUEST_QUEUE_SIZE) : semaphore;
        long marketSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        String run = Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);

        return PatternRun.execute("stock-exchange", spec.commandLine().getParseResult().originalArgs(), output, context -> {
            Broker messaging;
            if (broker == BrokerKind.REDIS) {
                RedisTarget target = context.use(RedisTarget.open(redis, servers, System.err,
                        List.of("--client-output-buffer-limit", "pubsub 1gb 512mb 60")));
                messaging = new RedisBroker(target, run);
            } else {
                KafkaTarget target = context.use(KafkaTarget.open(kafka, servers, System.err));
                messaging = new KafkaBroker(target, run, List.of(Exchange.ORDERS, Exchange.PRICES), inFlight, MAX_MESSAGE_BYTES);
            }
            try (Broker b = messaging) {
                int house = participants; // the market maker whose orders make the opening book
                Accounts accounts = new Accounts(participants + 1, funds, funds / OPENING_PRICE);
                MatchingEngine engine = new MatchingEngine(accounts, OPENING_PRICE);
                seedBook(engine, accounts, house);
                long cashAtStart = accounts.totalCash();
                long sharesAtStart = accounts.totalShares();
                DeliveryTracker orders = new DeliveryTracker(1, true);
                DeliveryTracker prices = new DeliveryTracker(feedSubscribers, true);
                Exchange exchange = new Exchange(engine, orders, prices, feedSubscribers, b.publisher());
                PriceFeed feed = new PriceFeed(prices, OPENING_PRICE);
                b.subscribe(Exchange.ORDERS, exchange::received);
                for (int i = 0; i < feedSubscribers; i++) {
                    b.subscribe(Exchange.PRICES, feed.subscriber(i));
                }
                Market market = new Market(participants, durations, volatility, marketSeed, b, orders, feed);
                LoadPlan plan = new LoadPlan(Long.MAX_VALUE, null, inFlight, 0, Warmup.NONE).withSchedule(market);
                List<Gauge> gauges = new ArrayList<>(orders.gauges());
                LoadRunner runner = context.runner(Duration.ofMillis(Math.max(5_000, servers.timeout().toMillis())), gauges);
                Measurement m;
                try (LiveScreen screen = new LiveScreen("market-screen", new MarketScreen(exchange), context.out(),
                        !noUi && System.console() != null, durations * 100L)) {
                    m = runner.run(market, plan);
                    orders.awaitDeliveries(Duration.ofSeconds(drainSeconds));
                    prices.awaitDeliveries(Duration.ofSeconds(drainSeconds));
                }
                context.measured();
                DeliveryReport orderReport = orders.report();
                DeliveryReport priceReport = prices.report();
                Map<String, Boolean> invariants = exchange.read(e -> e.invariants(cashAtStart, sharesAtStart));
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("delivery_guarantee", b.delivery());
                figures.put("lost", orderReport.lost() + priceReport.lost());
                figures.put("orders", orderReport.figures());
                figures.put("price_feed", priceReport.figures());
                figures.put("orders_matched_per_s", Math.round(orderReport.delivered() / m.elapsedSeconds()));
                figures.put("order_outcomes", exchange.statuses());
                figures.put("trades", exchange.read(MatchingEngine::trades));
                figures.put("volume", exchange.read(MatchingEngine::volume));
                Ohlc.Snapshot o = exchange.ohlc(false);
                figures.put("ohlc", Map.of("open", o.open(), "high", o.high(), "low", o.low(), "close", o.close()));
                figures.put("alerts_triggered", market.alertsTriggered());
                figures.put("invariants", invariants);
                List<String> problems = new ArrayList<>();
                invariants.forEach((name, holds) -> {
                    if (!holds) {
                        problems.add("invariant broken: " + name.replace('_', ' '));
                    }
                });
                if (broker == BrokerKind.KAFKA && orderReport.lost() + priceReport.lost() > 0) {
                    problems.add("Kafka lost " + (orderReport.lost() + priceReport.lost()) + " acknowledged messages; it must lose none");
                }
                context.out().printf(Locale.ROOT, "invariants: %s%n", invariants.values().stream().allMatch(v -> v) ? "all hold" : invariants);
                Map<String, Histogram> histograms = new LinkedHashMap<>();
                histograms.put("order_publish_latency", orderReport.publishLatencyMicros());
                histograms.put("order_latency", orderReport.endToEndLatencyMicros());
                histograms.put("price_feed_latency", priceReport.endToEndLatencyMicros());
                return new PatternResult(parameters(inFlight, marketSeed), m, figures, histograms, problems);
            }
        });
    }

    /** The opening book: 10,000 limit orders of the house, 50 levels of bids below the opening price and 50 of asks above. */
    private static void seedBook(MatchingEngine engine, Accounts accounts, int house) {
        long cash = 0;
        for (int level = 1; level <= BOOK_LEVELS; level++) {
            cash += (long) (OPENING_PRICE - level) * ORDERS_PER_LEVEL * HOUSE_ORDER_QUANTITY;
        }
        accounts.give(house, cash, (long) BOOK_LEVELS * ORDERS_PER_LEVEL * HOUSE_ORDER_QUANTITY);
        long id = 1;
        for (int level = 1; level <= BOOK_LEVELS; level++) {
            for (int i = 0; i < ORDERS_PER_LEVEL; i++) {
                engine.submit(new Order(id++, house, Order.Kind.LIMIT, Side.BUY, OPENING_PRICE - level, HOUSE_ORDER_QUANTITY, null));
                engine.submit(new Order(id++, house, Order.Kind.LIMIT, Side.SELL, OPENING_PRICE + level, HOUSE_ORDER_QUANTITY, null));
            }
        }
    }

    private Parameters parameters(int inFlight, long marketSeed) {
        Parameters p = new Parameters();
        p.put("--broker", "broker", broker.id());
        p.put("--participants", "participants", participants);
        p.put("--funds", "funds", funds);
        p.put("--volatility", "volatility", volatility);
        p.put("--durations", "durations", durations);
        p.put("--semaphore", "semaphore", inFlight);
        p.put("--feed-subscribers", "feed_subscribers", feedSubscribers);
        p.put("--drain", "drain_s", drainSeconds);
        p.put("--seed", "seed", marketSeed);
        return p;
    }
}
