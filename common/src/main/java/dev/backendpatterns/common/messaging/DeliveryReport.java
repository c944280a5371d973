package dev.backendpatterns.common.messaging;

import dev.backendpatterns.common.report.LatencySummary;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The account of a messaging run (see {@link DeliveryTracker}). Deliveries are counted per subscriber: a message of
 * fan-out 3 that reached all three is 3 deliveries. {@code lost} = {@code expectedDeliveries} minus the deliveries of
 * acknowledged messages that arrived; {@code deliveredUnacknowledged} counts deliveries of messages whose publish
 * failed or was never acknowledged (a broker may deliver what it could not confirm). {@code unconfirmed} counts publishes
 * neither acknowledged nor failed when the report was taken. {@code outOfOrder} is null when order was not tracked.
 */
public record DeliveryReport(long published, long acknowledged, long publishFailed, long unconfirmed, Map<String, Long> publishErrors,
        long expectedDeliveries, long delivered, long deliveredUnacknowledged, long lost, long duplicates, Long outOfOrder,
        long malformed, Histogram publishLatencyMicros, Histogram endToEndLatencyMicros) {

    public DeliveryReport {
        if (lost < 0 || delivered < 0 || published != acknowledged + publishFailed + unconfirmed) {
            throw new IllegalStateException("inconsistent delivery account: published " + published + ", acknowledged "
                    + acknowledged + ", delivered " + delivered + ", lost " + lost);
        }
        publishErrors = Map.copyOf(publishErrors);
    }

    /** The figures of a run's result, under the names its JSON uses. */
    public Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("published", published);
        f.put("acknowledged", acknowledged);
        f.put("publish_failed", publishFailed);
        f.put("unconfirmed", unconfirmed);
        if (!publishErrors.isEmpty()) {
            f.put("publish_errors", publishErrors);
        }
        f.put("expected_deliveries", expectedDeliveries);
        f.put("delivered", delivered);
        f.put("delivered_unacknowledged", deliveredUnacknowledged);
        f.put("lost", lost);
        f.put("duplicates", duplicates);
        f.put("out_of_order", outOfOrder);
        f.put("malformed", malformed);
        f.put("publish_latency_us", LatencySummary.of(publishLatencyMicros));
        f.put("end_to_end_latency_us", LatencySummary.of(endToEndLatencyMicros));
        return f;
    }

    /** The two latency histograms, by the names a result's {@code histograms} use. */
    public Map<String, Histogram> histograms() {
        Map<String, Histogram> h = new LinkedHashMap<>();
        h.put("publish_latency", publishLatencyMicros);
        h.put("end_to_end_latency", endToEndLatencyMicros);
        return h;
    }
}
