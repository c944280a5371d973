package dev.backendpatterns.pubsub.dashboard;

import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MalformedMessageException;
import dev.backendpatterns.common.messaging.MessageStamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The subscribers' side of the dashboard: one subscriber per point total (channel), each keeping the best k scores it
 * received in a bounded heap, as the reference does, and the highest point total each participant has been seen at.
 * The leaderboard takes, from the highest channel down, the best scores of participants whose highest total is that
 * channel. Every message goes through the delivery tracker first; one that cannot be read is counted as malformed and
 * skipped.
 */
final class Scoreboard {
    private final int k;
    private final List<TopK<Score>> channels = new ArrayList<>();
    private final AtomicIntegerArray best;
    private final DeliveryTracker tracker;

    Scoreboard(int participants, int k, DeliveryTracker tracker) {
        this.k = k;
        this.best = new AtomicIntegerArray(participants);
        this.tracker = tracker;
        for (int c = 0; c <= Contest.MAX_POINTS; c++) {
            channels.add(new TopK<>(k, Score.RANKING));
        }
    }

    private static final String[] CHANNELS = new String[Contest.MAX_POINTS + 1];

    static {
        for (int points = 0; points <= Contest.MAX_POINTS; points++) {
            CHANNELS[points] = "score_channel" + points;
        }
    }

    /** The channel of a point total: one String per total, so a broker may cache what it derives from it. */
    static String channel(int points) {
        return CHANNELS[points];
    }

    /** The subscriber of {@code channel} received {@code payload}. */
    void received(String channel, byte[] payload) {
        long now = System.nanoTime();
        Score score;
        MessageStamp stamp;
        int points;
        try {
            points = Integer.parseInt(channel.substring("score_channel".length()));
            score = ScoreJson.read(payload);
            stamp = MessageStamp.parseText(score.stamp());
            if (score.point() != points || score.id() < 0 || score.id() >= best.length()) {
                throw new MalformedMessageException("score of " + score.point() + " points on " + channel);
            }
        } catch (RuntimeException e) {
            tracker.malformed();
            return;
        }
        tracker.delivered(points - 1, points, stamp, now);
        best.accumulateAndGet(score.id(), points, Math::max);
        channels.get(points).offer(score);
    }

    /** The leaderboard the subscribers can show: the best k, from the highest point total down. */
    List<Score> leaderboard() {
        List<Score> board = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (int c = Contest.MAX_POINTS; c >= 1 && board.size() < k; c--) {
            for (Score score : channels.get(c).sorted()) {
                if (board.size() == k) {
                    break;
                }
                if (best.get(score.id()) == c && taken.add(score.id())) {
                    board.add(score);
                }
            }
        }
        return board;
    }
}
