package dev.backendpatterns.pubsub.dashboard;

import java.util.Comparator;

/**
 * A participant's whole score, as published on each solve: its id and name, points (the sum of the solved problems'
 * points), penalty in seconds (each solve's second, plus 300 per failed attempt), the second each problem in its order
 * was solved (0 if not yet), and the message stamp of the delivery tracker.
 */
record Score(int id, String name, int point, int penalty, int[] finish, String stamp) {
    /** The contest's ranking: more points first, then less penalty, then the lower id. */
    static final Comparator<Score> RANKING = Comparator.comparingInt(Score::point).reversed()
            .thenComparingInt(Score::penalty).thenComparingInt(Score::id);
}
