package dev.backendpatterns.pubsub.dashboard;

import dev.backendpatterns.common.cli.BrokerKind;
import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.cli.KafkaEndpointOptions;
import dev.backendpatterns.common.kafka.KafkaTarget;
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
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pubsub dashboard}: the reference's realtime contest leaderboard, over Redis sharded pub/sub or Kafka. */
@Command(name = "dashboard", aliases = "realtime_dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Participants solve four problems (1, 2, 4, 8 points), one attempt a second; on each solve the participant's whole "
                    + "score goes to the channel (Redis SPUBLISH) or topic (Kafka) of its point total; one subscriber per "
                    + "point total keeps a top-k, and a leaderboard shows the best. Reports publishes, deliveries, losses, "
                    + "duplicates, publish and end-to-end latency, and whether the leaderboard shows the true top-k.",
            "Without an endpoint it starts an embedded Redis (a Redis Cluster with --cluster) or Kafka (3 nodes with --cluster)."})
public final class DashboardCommand implements Callable<Integer> {
    private static final int MAX_SCORE_BYTES = 512;

    @Option(names = "--broker", paramLabel = "redis|kafka", converter = BrokerKind.Converter.class,
            description = "Redis sharded pub/sub (default) or Kafka topics (default: redis, or kafka when --kafka is given).")
    BrokerKind broker;

    @Option(names = {"--participants", "-participants"}, defaultValue = "1000000", paramLabel = "N",
            description = "Participants of the contest (default: ${DEFAULT-VALUE}).")
    int participants;

    @Option(names = {"-k", "--top"}, defaultValue = "20", paramLabel = "K", description = "Size of the leaderboard (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = {"--durations", "-durations"}, defaultValue = "20", paramLabel = "SECONDS",
            description = "Length of the contest in seconds (default: ${DEFAULT-VALUE}).")
    int durations;

    @Option(names = {"--semaphore", "-semaphore"}, defaultValue = "100000", paramLabel = "N",
            description = "Most publishes in flight (default: ${DEFAULT-VALUE}; at most 65,536 on Redis).")
    int semaphore;

    @Option(names = "--drain", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long to wait, after the contest, for deliveries still in transit before counting the rest as lost (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--no-ui", description = "Print the leaderboard as plain lines, even on a terminal.")
    boolean noUi;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the contest (default: random).")
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
        UsageException.require(k >= 1, "-k must be at least 1, was " + k);
        UsageException.require(durations >= 1, "--durations must be at least 1 second, was " + durations);
        UsageException.require(semaphore >= 1, "--semaphore must be positive, was " + semaphore);
        UsageException.require(drainSeconds >= 0, "--drain must not be negative, was " + drainSeconds);
        int inFlight = broker == BrokerKind.REDIS ? Math.min(semaphore, RedisTarget.REQUEST_QUEUE_SIZE) : semaphore;
        if (inFlight < semaphore) {
            System.err.printf(Locale.ROOT, "dashboard: --semaphore %,d is more than a Redis connection may queue; %,d in flight instead%n",
                    semaphore, inFlight);
        }
        long contestSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        String run = Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
        List<String> channels = new ArrayList<>();
        for (int points = 1; points <= Contest.MAX_POINTS; points++) {
            channels.add(Scoreboard.channel(points));
        }

        return PatternRun.execute("dashboard", spec.commandLine().getParseResult().originalArgs(), output, context -> {
            Broker messaging;
            if (broker == BrokerKind.REDIS) {
                // a subscriber falling behind at 2M participants must not be cut off at Redis's default 32 MB
                RedisTarget target = context.use(RedisTarget.open(redis, servers, System.err,
                        List.of("--client-output-buffer-limit", "pubsub 1gb 512mb 60")));
                messaging = new RedisBroker(target, run);
            } else {
                KafkaTarget target = context.use(KafkaTarget.open(kafka, servers, System.err));
                messaging = new KafkaBroker(target, run, channels, inFlight, MAX_SCORE_BYTES);
            }
            try (Broker b = messaging) {
                DeliveryTracker tracker = new DeliveryTracker(Contest.MAX_POINTS, false);
                Contest contest = new Contest(participants, durations, contestSeed);
                Scoreboard scoreboard = new Scoreboard(participants, k, tracker);
                for (String channel : channels) {
                    b.subscribe(channel, scoreboard::received);
                }
                ContestLoad load = new ContestLoad(contest, b, tracker);
                LoadPlan plan = new LoadPlan(4L * participants, null, inFlight, 0, Warmup.NONE).withSchedule(load);
                LoadRunner runner = context.runner(Duration.ofMillis(Math.max(5_000, servers.timeout().toMillis())), tracker.gauges());
                Measurement m;
                try (LiveScreen screen = new LiveScreen("leaderboard", new LeaderboardPrinter(scoreboard), context.out(),
                        !noUi && System.console() != null, durations * 100L)) {
                    m = runner.run(load, plan);
                    tracker.awaitDeliveries(Duration.ofSeconds(drainSeconds));
                }
                context.measured();
                DeliveryReport delivery = tracker.report();
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("delivery_guarantee", b.delivery());
                figures.putAll(delivery.figures());
                figures.put("published_per_s", m.elapsedSeconds() > 0 ? Math.round(delivery.published() / m.elapsedSeconds()) : null);
                figures.put("contest", contestFigures(contest));
                figures.put("leaderboard", verdict(scoreboard.leaderboard(), truth(contest)));
                if (b instanceof RedisBroker r) {
                    figures.put("resubscriptions", r.resubscriptions());
                    figures.put("dropped_copies", r.droppedCopies());
                }
                List<String> problems = new ArrayList<>();
                if (broker == BrokerKind.KAFKA && delivery.lost() > 0) {
                    problems.add("Kafka lost " + delivery.lost() + " acknowledged messages; it must lose none");
                }
                printLeaderboard(context.out(), scoreboard.leaderboard());
                return new PatternResult(parameters(inFlight, contestSeed), m, figures, delivery.histograms(), problems);
            }
        });
    }

    private Map<String, Object> contestFigures(Contest contest) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("participants", participants);
        c.put("seconds", durations);
        c.put("attempts", contest.attempts());
        c.put("solves", contest.solves());
        c.put("finished_all_four", contest.finishedAll());
        return c;
    }

    /** The true top-k, from the participants' own final scores. */
    private List<Score> truth(Contest contest) {
        TopK<Score> top = new TopK<>(k, Score.RANKING);
        for (int p = 0; p < contest.participants(); p++) {
            if (contest.solved(p) > 0) {
                top.offer(new Score(p, "", contest.points(p), contest.penalty(p), null, null));
            }
        }
        return top.sorted();
    }

    private static Map<String, Object> verdict(List<Score> shown, List<Score> truth) {
        List<Integer> shownIds = shown.stream().map(Score::id).toList();
        List<Integer> trueIds = truth.stream().map(Score::id).toList();
        int wrong = 0;
        for (int i = 0; i < Math.max(shownIds.size(), trueIds.size()); i++) {
            if (i >= shownIds.size() || i >= trueIds.size() || !shownIds.get(i).equals(trueIds.get(i))) {
                wrong++;
            }
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("matches_true_top_k", wrong == 0);
        v.put("places_differing", wrong);
        v.put("shown", shownIds);
        v.put("true", trueIds);
        return v;
    }

    private static void printLeaderboard(PrintStream out, List<Score> board) {
        out.println("final leaderboard (from the subscribers):");
        for (int i = 0; i < board.size(); i++) {
            Score s = board.get(i);
            out.printf(Locale.ROOT, "  %3d. %-24s %2d points, penalty %,d s%n", i + 1, s.name() + " #" + s.id(), s.point(), s.penalty());
        }
    }

    private Parameters parameters(int inFlight, long contestSeed) {
        Parameters p = new Parameters();
        p.put("--broker", "broker", broker.id());
        p.put("--participants", "participants", participants);
        p.put("-k", "k", k);
        p.put("--durations", "durations", durations);
        p.put("--semaphore", "semaphore", inFlight);
        p.put("--drain", "drain_s", drainSeconds);
        p.put("--seed", "seed", contestSeed);
        return p;
    }
}
