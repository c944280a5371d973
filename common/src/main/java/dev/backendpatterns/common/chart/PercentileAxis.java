package dev.backendpatterns.common.chart;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;

/**
 * The x axis of a latency percentile curve, as HdrHistogram's plotter and OpenMessaging Benchmark draw it: the value
 * plotted for percentile p is 1 / (1 - p), on a log scale, so that 90%, 99%, 99.9%... are evenly spaced and the tail
 * gets the room it deserves.
 */
final class PercentileAxis {
    static final double FROM = 90.0;
    static final double TO = 99.999;

    private PercentileAxis() {
    }

    /** Where percentile {@code p} (in percent) goes on the axis. */
    static double position(double p) {
        return 1 / (1 - p / 100);
    }

    static LogAxis create() {
        LogAxis axis = new LogAxis("percentile");
        axis.setBase(10);
        // a little room either side, so that the 90% and 99.999% ticks are drawn too
        axis.setRange(position(FROM) * 0.93, position(TO) * 1.35);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setMinorTickMarksVisible(false);
        axis.setNumberFormatOverride(new Format());
        return axis;
    }

    /** Formats an axis position as the percentile it stands for: 10 is 90%, 1000 is 99.9%. */
    private static final class Format extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
            double p = 100 * (1 - 1 / number);
            String text = String.format(Locale.ROOT, "%.5f", p).replaceAll("0+$", "").replaceAll("\\.$", "");
            return toAppendTo.append(text).append('%');
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
            return format((double) number, toAppendTo, pos);
        }

        @Override
        public Number parse(String source, ParsePosition parsePosition) {
            return null;
        }
    }
}
