package dev.backendpatterns.common.cli;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command's own defaults for shared options (the reference's r_filter sends 10,000 requests with 1,000 in flight,
 * not the rate limiter's 100,000 and 256): a subclass with a no-argument constructor names them by long option, and
 * the command declares it as its {@code defaultValueProvider}; any of an option's names will do. Options it does not
 * name keep their annotation's default.
 */
public abstract class FlagDefaults implements IDefaultValueProvider {
    private final Map<String, String> values;

    protected FlagDefaults(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (argument instanceof OptionSpec option) {
            for (String name : option.names()) {
                String value = values.get(name);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }
}
