package dev.backendpatterns.pubsub.dashboard;

import dev.backendpatterns.common.filter.KeyHash;
import java.util.SplittableRandom;

/**
 * The reference's contest, simulated: each participant solves four problems of 1, 2, 4 and 8 points in an order of its
 * own, trying its current problem once a second, succeeding with the problem's probability; each failed attempt costs
 * 5 minutes of penalty once the problem is solved (as in ICPC: attempts at a problem never solved cost nothing, so a
 * participant's final score is the one its last solve published). Participants attempt at a phase of their own within each second (participant p at p/P of it),
 * so the contest is a schedule of solves: second by second, in participant order. Every participant's state has one
 * owner, the load runner's dispatcher thread, which advances the simulation one second at a time as the schedule asks.
 */
final class Contest {
    static final int[] POINTS = {1, 2, 4, 8};
    static final double[] SUCCESS = {0.6, 0.4, 0.25, 0.15};
    static final int PENALTY_SECONDS = 300;
    static final int MAX_POINTS = 15;

    private static final int[][] ORDERS = orders();

    private final int participants;
    private final int seconds;
    private final byte[] order;
    private final SplittableRandom random;
    private final byte[] solved;
    private final int[] failed;
    private final short[] finish;
    private final int[] penalty;
    private final int[] solvers;
    private int solverCount;
    private int cursor;
    private int second;
    private long attempts;

    Contest(int participants, int seconds, long seed) {
        this.participants = participants;
        this.seconds = seconds;
        this.random = new SplittableRandom(seed);
        this.solved = new byte[participants];
        this.failed = new int[participants];
        this.finish = new short[4 * participants];
        this.penalty = new int[participants];
        this.solvers = new int[participants];
        this.order = new byte[participants];
        for (int p = 0; p < participants; p++) {
            order[p] = (byte) Long.remainderUnsigned(KeyHash.mix(seed ^ (p * 0x9E3779B97F4A7C15L)), ORDERS.length);
        }
    }

    int participants() {
        return participants;
    }

    /** The index in {@link #POINTS} of the {@code nth} problem in participant {@code p}'s order. */
    int problem(int p, int nth) {
        return ORDERS[order[p]][nth];
    }

    /** The 24 orders of four problems, by their index. */
    private static int[][] orders() {
        int[][] all = new int[24][];
        int n = 0;
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                for (int c = 0; c < 4; c++) {
                    int d = 6 - a - b - c;
                    if (a != b && a != c && b != c && d >= 0 && d < 4 && d != a && d != b && d != c) {
                        all[n++] = new int[] {a, b, c, d};
                    }
                }
            }
        }
        return all;
    }

    /**
     * The next solve: the participant who solved it, after advancing the simulation as far as needed; -1 when the
     * contest is over.
     */
    int nextSolver() {
        while (cursor == solverCount) {
            if (second == seconds) {
                return -1;
            }
            simulateSecond();
        }
        return solvers[cursor++];
    }

    /** When the last solve returned by {@link #nextSolver} happened, in nanoseconds since the contest began. */
    long solvedAtNanos(int p) {
        return (second - 1) * 1_000_000_000L + (long) p * 1_000_000_000L / participants;
    }

    private void simulateSecond() {
        second++;
        solverCount = 0;
        cursor = 0;
        for (int p = 0; p < participants; p++) {
            int done = solved[p];
            if (done == 4) {
                continue;
            }
            attempts++;
            if (random.nextDouble() < SUCCESS[problem(p, done)]) {
                finish[4 * p + done] = (short) second;
                solved[p] = (byte) (done + 1);
                penalty[p] += PENALTY_SECONDS * failed[p] + second;
                failed[p] = 0;
                solvers[solverCount++] = p;
            } else {
                failed[p]++;
            }
        }
    }

    int points(int p) {
        int sum = 0;
        for (int i = 0; i < solved[p]; i++) {
            sum += POINTS[problem(p, i)];
        }
        return sum;
    }

    /** Each solve's second plus 5 minutes per failed attempt at the problems solved. */
    int penalty(int p) {
        return penalty[p];
    }

    /** The seconds at which the problems of 1, 2, 4 and 8 points were solved (0 for not yet). */
    int[] finishByProblem(int p) {
        int[] byProblem = new int[4];
        for (int i = 0; i < solved[p]; i++) {
            byProblem[problem(p, i)] = finish[4 * p + i];
        }
        return byProblem;
    }

    int solved(int p) {
        return solved[p];
    }

    long attempts() {
        return attempts;
    }

    long solves() {
        long sum = 0;
        for (int p = 0; p < participants; p++) {
            sum += solved[p];
        }
        return sum;
    }

    long finishedAll() {
        long sum = 0;
        for (int p = 0; p < participants; p++) {
            sum += solved[p] == 4 ? 1 : 0;
        }
        return sum;
    }
}
