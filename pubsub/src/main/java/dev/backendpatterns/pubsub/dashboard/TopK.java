package dev.backendpatterns.pubsub.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** The best {@code k} of what was offered, by a comparator (best first): a bounded heap whose root is the worst kept. */
final class TopK<T> {
    private final int k;
    private final Comparator<T> order;
    private final PriorityQueue<T> heap;

    TopK(int k, Comparator<T> order) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        this.k = k;
        this.order = order;
        this.heap = new PriorityQueue<>(k + 1, order.reversed());
    }

    /** Keeps {@code item} if it is among the best k so far. */
    synchronized void offer(T item) {
        if (heap.size() < k) {
            heap.add(item);
        } else if (order.compare(item, heap.peek()) < 0) {
            heap.poll();
            heap.add(item);
        }
    }

    /** What is kept, best first. */
    synchronized List<T> sorted() {
        List<T> items = new ArrayList<>(heap);
        items.sort(order);
        return items;
    }
}
