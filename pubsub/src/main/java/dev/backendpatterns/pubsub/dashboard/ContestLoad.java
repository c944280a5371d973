package dev.backendpatterns.pubsub.dashboard;

import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.load.Schedule;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MessageStamp;
import dev.backendpatterns.pubsub.broker.Broker;
import java.util.concurrent.CompletionStage;

/**
 * The contest as load: its schedule is the solves, each at the moment its participant solved (the runner sends each
 * publish then, open loop, and shows how late it left); each request publishes the participant's whole score to the
 * channel of its new point total, stamped for the delivery tracker, and completes when the broker took it.
 */
final class ContestLoad implements Schedule, Operation {
    static final String PUBLISHED = "published";
    private final ScoreJson json = new ScoreJson(); // the dispatcher's alone

    private final Contest contest;
    private final Broker broker;
    private final DeliveryTracker tracker;
    private int pending = -1;

    ContestLoad(Contest contest, Broker broker, DeliveryTracker tracker) {
        this.contest = contest;
        this.broker = broker;
        this.tracker = tracker;
    }

    @Override
    public long dueNanos(long index) {
        pending = contest.nextSolver();
        return pending < 0 ? Schedule.END : contest.solvedAtNanos(pending);
    }

    @Override
    public CompletionStage<String> start(long index) {
        int p = pending;
        int points = contest.points(p);
        MessageStamp stamp = tracker.stamp(p, contest.solved(p) - 1, 1);
        byte[] payload = json.write(p, Names.of(p), points, contest.penalty(p), contest.finishByProblem(p), stamp.toText());
        return tracker.track(stamp, broker.publish(Scoreboard.channel(points), payload), PUBLISHED);
    }

    @Override
    public void flush() {
        broker.flush();
    }
}
