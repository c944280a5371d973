package dev.backendpatterns.pubsub.dashboard;

import dev.backendpatterns.pubsub.LiveScreen;
import java.util.List;
import java.util.Locale;

/**
 * The subscribers' leaderboard, as a {@link LiveScreen} shows it every tenth of the contest: the whole board on a
 * terminal, the first five in a line otherwise.
 */
final class LeaderboardPrinter implements LiveScreen.View {
    private final Scoreboard scoreboard;

    LeaderboardPrinter(Scoreboard scoreboard) {
        this.scoreboard = scoreboard;
    }

    @Override
    public String line(double seconds) {
        List<Score> board = scoreboard.leaderboard();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "leaderboard at %.0f s:", seconds));
        for (int i = 0; i < Math.min(5, board.size()); i++) {
            Score s = board.get(i);
            line.append(String.format(Locale.ROOT, " %d. %s %d pts %d s;", i + 1, s.name(), s.point(), s.penalty()));
        }
        return board.size() > 5 ? line + " ..." : line.toString();
    }

    @Override
    public String page(double seconds) {
        List<Score> board = scoreboard.leaderboard();
        StringBuilder screen = new StringBuilder();
        screen.append(String.format(Locale.ROOT, "realtime dashboard, %.0f s into the contest%n%n", seconds));
        screen.append(String.format(Locale.ROOT, "%4s  %-24s %6s %9s%n", "rank", "participant", "points", "penalty s"));
        for (int i = 0; i < board.size(); i++) {
            Score s = board.get(i);
            screen.append(String.format(Locale.ROOT, "%4d  %-24s %6d %9d%n", i + 1, s.name() + " #" + s.id(), s.point(), s.penalty()));
        }
        return screen.toString();
    }
}
