package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import dev.balancekit.ConflictRetriesExhaustedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failures that a database in the build cannot produce on demand, mapped to their message and exit code. */
class InvocationTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    Invocation invocation(InputStream stdin) {
        return new Invocation(new Env(
                Map.of(),
                stdin,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false,
                null,
                Clock.systemUTC()));
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void contendedAccount_exit3_sayingToTryAgain() {
        int code = invocation(InputStream.nullInputStream()).fail(new ConflictRetriesExhaustedException("u1", 32));

        assertThat(code).isEqualTo(Main.STORE_UNREACHABLE);
        assertThat(err())
                .isEqualTo("Error: the account is too busy to change right now, try again:"
                        + " account 'u1' stayed contended: gave up after 32 attempts\n");
    }

    @Test
    void lostConnection_exit3() {
        int code = invocation(InputStream.nullInputStream())
                .fail(new MongoSocketReadException(
                        "Prematurely reached end of stream", new ServerAddress("db1", 27017)));

        assertThat(code).isEqualTo(Main.STORE_UNREACHABLE);
        assertThat(err()).isEqualTo("Error: cannot reach MongoDB: Prematurely reached end of stream\n");
    }

    @Test
    void unexpectedFailure_exit1_namingIt() {
        int code = invocation(InputStream.nullInputStream()).fail(new IllegalStateException("a bug"));

        assertThat(code).isEqualTo(Main.USAGE_ERROR);
        assertThat(err()).isEqualTo("Error: unexpected failure: java.lang.IllegalStateException: a bug\n");
    }

    @Test
    @SuppressWarnings("InputStreamSlowMultibyteRead") // the stream fails on its first read
    void unreadableStandardInput_exit1() {
        Invocation invocation = invocation(new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("stdin closed");
            }
        });
        int code;
        try {
            invocation.prompt("Email:");
            code = -1;
        } catch (RuntimeException e) {
            code = invocation.fail(e);
        }

        assertThat(code).isEqualTo(Main.USAGE_ERROR);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Email: ");
        assertThat(err()).isEqualTo("Error: reading standard input failed: stdin closed\n");
    }

    @Test
    void prompt_stripsTheAnswer_andReadsLineByLine_endOfInputIsNoAnswer() {
        Invocation invocation =
                invocation(new ByteArrayInputStream("  a@b.c \r\n7\n\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(invocation.prompt("Email:")).isEqualTo("a@b.c");
        assertThat(invocation.prompt("Amount:")).isEqualTo("7");
        assertThat(invocation.prompt("Empty:")).isEmpty();
        assertThat(invocation.prompt("More:")).isNull();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Email: Amount: Empty: More: \n");
    }
}
