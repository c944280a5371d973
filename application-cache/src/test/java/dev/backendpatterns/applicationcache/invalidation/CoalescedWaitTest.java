package dev.backendpatterns.applicationcache.invalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class CoalescedWaitTest {
    private final List<CompletableFuture<Void>> sent = new ArrayList<>();
    private final LongAdder waits = new LongAdder();
    private final LongAdder covered = new LongAdder();
    private final CoalescedWait wait = new CoalescedWait(() -> {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        sent.add(answer);
        return answer;
    }, waits, covered);

    @Test
    void writesEnlistedWhileAWaitIsInFlightShareTheNextOne() {
        CompletionStage<Void> first = wait.acknowledgement();
        assertEquals(1, sent.size(), "the first write's wait goes at once");
        CompletionStage<Void> second = wait.acknowledgement();
        CompletionStage<Void> third = wait.acknowledgement();
        assertEquals(1, sent.size(), "one wait in flight at a time");

        sent.get(0).complete(null);
        assertTrue(first.toCompletableFuture().isDone());
        assertFalse(second.toCompletableFuture().isDone(), "the first wait was sent before the second write: it does not cover it");
        assertEquals(2, sent.size(), "the writes that waited share one wait");

        sent.get(1).complete(null);
        assertTrue(second.toCompletableFuture().isDone() && third.toCompletableFuture().isDone());
        assertEquals(2, sent.size(), "nothing left to wait for");
        assertEquals(2, waits.sum());
        assertEquals(3, covered.sum());

        wait.acknowledgement();
        assertEquals(3, sent.size(), "idle again: the next write's wait goes at once");
    }

    @Test
    void aFailedWaitFailsEveryWriteItCoveredAndTheNextWaitStillGoes() {
        wait.acknowledgement();
        CompletionStage<Void> a = wait.acknowledgement();
        CompletionStage<Void> b = wait.acknowledgement();
        sent.get(0).complete(null);
        sent.get(1).completeExceptionally(new IllegalStateException("WAITAOF: 0 of 1 replicas"));
        assertTrue(a.toCompletableFuture().isCompletedExceptionally() && b.toCompletableFuture().isCompletedExceptionally());

        CompletionStage<Void> c = wait.acknowledgement();
        assertEquals(3, sent.size());
        sent.get(2).complete(null);
        assertTrue(c.toCompletableFuture().isDone() && !c.toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void aWaitThatCannotBeSentFailsItsWritesInsteadOfStallingTheNode() {
        CoalescedWait broken = new CoalescedWait(() -> {
            throw new IllegalStateException("connection closed");
        }, waits, covered);
        assertTrue(broken.acknowledgement().toCompletableFuture().isCompletedExceptionally());
        assertTrue(broken.acknowledgement().toCompletableFuture().isCompletedExceptionally(), "and the next one is sent, not queued for ever");
    }
}
