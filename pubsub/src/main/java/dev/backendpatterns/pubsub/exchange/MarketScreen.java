package dev.backendpatterns.pubsub.exchange;

import dev.backendpatterns.pubsub.LiveScreen;
import java.util.Locale;

/**
 * The market as the reference showed it, every tenth of the run: open, high, low, close and volume, the book ten ticks
 * either side of the price, and one trader's account, as a {@link LiveScreen} shows it; in a log, one line.
 */
final class MarketScreen implements LiveScreen.View {
    private final Exchange exchange;

    MarketScreen(Exchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public String line(double seconds) {
        Ohlc.Snapshot o = exchange.ohlc(true);
        return String.format(Locale.ROOT, "market at %.0f s: open %d high %d low %d close %d, volume %,d (interval: %d..%d, %,d)",
                seconds, o.open(), o.high(), o.low(), o.close(), o.volume(), o.intervalLow(), o.intervalHigh(), o.intervalVolume());
    }

    @Override
    public String page(double seconds) {
        Ohlc.Snapshot o = exchange.ohlc(true);
        String book = exchange.read(engine -> {
            StringBuilder b = new StringBuilder();
            int price = engine.lastPrice();
            for (int p = price + 10; p >= price - 10; p--) {
                long asks = engine.depth(Side.SELL, p);
                long bids = engine.depth(Side.BUY, p);
                b.append(String.format(Locale.ROOT, "  %8s  %6d  %-8s%n", bids == 0 ? "" : String.format(Locale.ROOT, "%,d", bids), p,
                        asks == 0 ? "" : String.format(Locale.ROOT, "%,d", asks)));
            }
            Accounts a = engine.accounts();
            b.append(String.format(Locale.ROOT, "%ntrader 0: cash %,d (+%,d reserved), shares %,d (+%,d reserved)%n", a.cash(0),
                    a.reservedCash(0), a.shares(0), a.reservedShares(0)));
            return b.toString();
        });
        StringBuilder screen = new StringBuilder();
        screen.append(String.format(Locale.ROOT, "stock exchange, %.0f s%n%n", seconds));
        screen.append(String.format(Locale.ROOT, "  open %d  high %d  low %d  close %d  volume %,d%n%n", o.open(), o.high(), o.low(),
                o.close(), o.volume()));
        screen.append(String.format(Locale.ROOT, "  %8s  %6s  %-8s%n", "bids", "price", "asks")).append(book);
        return screen.toString();
    }
}

