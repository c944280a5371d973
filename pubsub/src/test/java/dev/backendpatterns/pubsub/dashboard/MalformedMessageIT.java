package dev.backendpatterns.pubsub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.pubsub.broker.RedisBroker;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A message on a channel that is not a score is counted as malformed and skipped, never fatal. */
class MalformedMessageIT {
    @Test
    void aMalformedMessageIsCountedAndSkipped() throws Exception {
        try (RedisTarget target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.single(),
                new PrintStream(OutputStream.nullOutputStream()));
                RedisBroker broker = new RedisBroker(target, "malformed" + System.nanoTime())) {
            DeliveryTracker tracker = new DeliveryTracker(Contest.MAX_POINTS, false);
            Scoreboard scoreboard = new Scoreboard(100, 5, tracker);
            broker.subscribe(Scoreboard.channel(3), scoreboard::received);
            broker.publish(Scoreboard.channel(3), "not a score".getBytes(StandardCharsets.UTF_8));
            broker.publish(Scoreboard.channel(3), "{\"id\":1,\"name\":\"x\",\"point\":3,\"penalty\":0,\"finish\":[1,1,0,0],\"stamp\":\"zz\"}"
                    .getBytes(StandardCharsets.UTF_8));
            broker.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (tracker.report().malformed() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(2, tracker.report().malformed(), "garbage, and a score whose stamp is garbage");
            assertTrue(scoreboard.leaderboard().isEmpty());
        }
    }
}
