package dev.backendpatterns.common.cli;

import java.util.Locale;

/** The brokers a messaging command can use ({@code --broker redis|kafka}). */
public enum BrokerKind {
    REDIS, KAFKA;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The broker a command line asks for: {@code --broker} when given, else the one whose endpoint was given
     * ({@code --kafka}: Kafka), else Redis. An endpoint of the other broker is a usage error, not silently ignored.
     */
    public static BrokerKind resolve(BrokerKind given, RedisEndpointOptions redis, KafkaEndpointOptions kafka) {
        boolean redisNamed = !redis.embedded();
        boolean kafkaNamed = !kafka.embedded();
        UsageException.require(!(redisNamed && kafkaNamed), "give a Redis endpoint or a Kafka one, not both");
        BrokerKind broker = given != null ? given : kafkaNamed ? KAFKA : REDIS;
        UsageException.require(!(broker == REDIS && kafkaNamed), "--kafka names a Kafka, but --broker is redis");
        UsageException.require(!(broker == KAFKA && redisNamed), "--redis or --redis-cluster names a Redis, but --broker is kafka");
        return broker;
    }

    /** Reads {@code --broker}. */
    public static final class Converter extends ParsingConverter<BrokerKind> {
        public Converter() {
            super(name -> EnumNames.parse(BrokerKind.class, name, BrokerKind::id, "broker"));
        }
    }
}
