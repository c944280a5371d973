package dev.backendpatterns.common.cli;

import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A picocli converter from a parse function that throws {@link IllegalArgumentException} with a user-facing message
 * (an algorithm's name, say): picocli then reports that message as bad input. A command declares a subclass with a
 * no-argument constructor, as picocli instantiates converters by class.
 */
public abstract class ParsingConverter<T> implements ITypeConverter<T> {
    private final Function<String, T> parse;

    protected ParsingConverter(Function<String, T> parse) {
        this.parse = parse;
    }

    @Override
    public T convert(String value) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
