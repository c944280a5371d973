package dev.backendpatterns.pubsub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContestTest {

    @Test
    void solvesComeInTimeOrderAndEachParticipantSolvesEachProblemOnce() {
        Contest contest = new Contest(10_000, 20, 5);
        long last = -1;
        long solves = 0;
        int p;
        while ((p = contest.nextSolver()) >= 0) {
            long at = contest.solvedAtNanos(p);
            assertTrue(at >= last, "in time order");
            last = at;
            solves++;
        }
        assertEquals(contest.solves(), solves);
        assertTrue(last < 20_000_000_000L);
        for (int q = 0; q < 10_000; q++) {
            Set<Integer> problems = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                problems.add(contest.problem(q, i));
            }
            assertEquals(Set.of(0, 1, 2, 3), problems, "every order is a permutation");
            int points = contest.points(q);
            assertTrue(points >= 0 && points <= 15);
            int[] finish = contest.finishByProblem(q);
            int solvedCount = 0;
            for (int i = 0; i < 4; i++) {
                solvedCount += finish[i] > 0 ? 1 : 0;
            }
            assertEquals(contest.solved(q), solvedCount);
        }
    }

    @Test
    void theFirstProblemIsSolvedAtItsProbability() {
        int n = 200_000;
        Contest contest = new Contest(n, 1, 9);
        long firstSecond = 0;
        while (contest.nextSolver() >= 0) {
            firstSecond++;
        }
        double mean = 0; // each participant's chance depends on its first problem
        for (int p = 0; p < n; p++) {
            mean += Contest.SUCCESS[contest.problem(p, 0)];
        }
        double sigma = Math.sqrt(mean);
        assertTrue(Math.abs(firstSecond - mean) < 5 * sigma, firstSecond + " solves in the first second, expected about " + mean);
    }

    @Test
    void aSeedRepeatsTheContest() {
        Contest a = new Contest(5_000, 10, 77);
        Contest b = new Contest(5_000, 10, 77);
        int p;
        while ((p = a.nextSolver()) >= 0) {
            assertEquals(p, b.nextSolver());
        }
        assertEquals(-1, b.nextSolver());
    }

    @Test
    void aParticipantsFinalScoreIsTheOneItsLastSolvePublished() {
        // the true top-k ranks by the final scores; a penalty that kept growing after the last solve (failed attempts
        // at a problem never solved) would rank by a score no subscriber was ever sent
        int n = 5_000;
        Contest contest = new Contest(n, 10, 3);
        int[] publishedPenalty = new int[n];
        int[] publishedPoints = new int[n];
        int p;
        while ((p = contest.nextSolver()) >= 0) {
            publishedPenalty[p] = contest.penalty(p);
            publishedPoints[p] = contest.points(p);
        }
        int stillTrying = 0;
        for (int q = 0; q < n; q++) {
            assertEquals(publishedPoints[q], contest.points(q));
            assertEquals(publishedPenalty[q], contest.penalty(q), "participant " + q);
            int[] finish = contest.finishByProblem(q);
            int seconds = 0;
            for (int f : finish) {
                seconds += f;
            }
            assertEquals(0, (contest.penalty(q) - seconds) % Contest.PENALTY_SECONDS, "solve seconds plus whole penalties");
            stillTrying += contest.solved(q) > 0 && contest.solved(q) < 4 ? 1 : 0;
        }
        assertTrue(stillTrying > n / 10, "many were still failing at a problem when the contest ended: " + stillTrying);
    }
}
