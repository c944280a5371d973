package dev.backendpatterns.pubsub.dashboard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.backendpatterns.common.messaging.MalformedMessageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A score as the JSON the dashboard publishes ({@code {"id":1,"name":"...","point":3,"penalty":310,"finish":[0,12,0,3],
 * "stamp":"..."}}), through Jackson's streaming API: data binding cost a sixth of a publishing client's CPU (a
 * generator, a parser and a creator's buffer per message). A writer keeps one generator over one buffer and is meant
 * for one thread (the load runner's dispatcher); {@link #read} may be called from any thread.
 */
final class ScoreJson {
    private static final JsonFactory JSON = new JsonFactory();
    // field names quoted and encoded once, not escaped again for every message
    private static final SerializableString ID = new SerializedString("id");
    private static final SerializableString NAME = new SerializedString("name");
    private static final SerializableString POINT = new SerializedString("point");
    private static final SerializableString PENALTY = new SerializedString("penalty");
    private static final SerializableString FINISH = new SerializedString("finish");
    private static final SerializableString STAMP = new SerializedString("stamp");
    /** The order {@link #write} puts the fields in. */
    private static final SerializableString[] ORDER = {ID, NAME, POINT, PENALTY, FINISH, STAMP};

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final JsonGenerator generator;

    ScoreJson() {
        try {
            generator = JSON.createGenerator(buffer).setRootValueSeparator(null); // one score after another, nothing between
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON of this score; not thread-safe. */
    byte[] write(int id, String name, int point, int penalty, int[] finish, String stamp) {
        try {
            generator.writeStartObject();
            generator.writeFieldName(ID);
            generator.writeNumber(id);
            generator.writeFieldName(NAME);
            generator.writeString(name);
            generator.writeFieldName(POINT);
            generator.writeNumber(point);
            generator.writeFieldName(PENALTY);
            generator.writeNumber(penalty);
            generator.writeFieldName(FINISH);
            generator.writeArray(finish, 0, finish.length);
            generator.writeFieldName(STAMP);
            generator.writeString(stamp);
            generator.writeEndObject();
            generator.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into a byte array: does not happen
        }
        byte[] json = buffer.toByteArray();
        buffer.reset();
        return json;
    }

    /**
     * The score in {@code json}; a message that is not one (not JSON, a field missing, of the wrong type or unknown)
     * throws {@link MalformedMessageException}.
     */
    static Score read(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedMessageException("a score is a JSON object");
            }
            int id = -1;
            String name = null;
            int point = -1;
            int penalty = 0;
            int[] finish = null;
            String stamp = null;
            String field;
            int next = 0; // the field the writer puts next
            while ((field = nextFieldName(parser, next++)) != null) {
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "id" -> id = intOf(parser, value, field);
                    case "name" -> name = textOf(parser, value, field);
                    case "point" -> point = intOf(parser, value, field);
                    case "penalty" -> penalty = intOf(parser, value, field);
                    case "finish" -> finish = intsOf(parser, value);
                    case "stamp" -> stamp = textOf(parser, value, field);
                    default -> throw new MalformedMessageException("unknown field '" + field + "' in a score");
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new MalformedMessageException("a score is one JSON object");
            }
            if (id < 0 || point < 0 || name == null || stamp == null) {
                throw new MalformedMessageException("a score needs its id, name, point and stamp");
            }
            return new Score(id, name, point, penalty, finish, stamp);
        } catch (IOException e) {
            throw new MalformedMessageException("not a JSON score: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The next field's name, or null at the end of the object. The name {@link #write} puts at position {@code next} is
     * tried first: Jackson then compares the input's bytes with the name's encoded bytes, no symbol-table lookup; any
     * other name (another writer's order) is read the usual way.
     */
    private static String nextFieldName(JsonParser parser, int next) throws IOException {
        if (next >= ORDER.length) {
            return parser.nextFieldName();
        }
        if (parser.nextFieldName(ORDER[next])) {
            return ORDER[next].getValue();
        }
        return parser.currentToken() == JsonToken.FIELD_NAME ? parser.currentName() : null;
    }

    private static int intOf(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedMessageException("'" + field + "' of a score is not an integer");
        }
        return parser.getIntValue();
    }

    private static String textOf(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new MalformedMessageException("'" + field + "' of a score is not a string");
        }
        return parser.getText();
    }

    private static int[] intsOf(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new MalformedMessageException("'finish' of a score is not an array");
        }
        int[] ints = new int[4];
        int n = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.VALUE_NUMBER_INT) {
                throw new MalformedMessageException("'finish' of a score holds a non-integer");
            }
            if (n == ints.length) {
                ints = Arrays.copyOf(ints, 2 * n);
            }
            ints[n++] = parser.getIntValue();
        }
        return n == ints.length ? ints : Arrays.copyOf(ints, n);
    }
}
