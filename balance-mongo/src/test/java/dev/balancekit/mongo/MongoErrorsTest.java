package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;
import dev.balancekit.BalanceException;
import dev.balancekit.StoreException;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** Failures are told apart by type and code, never by their message text. */
class MongoErrorsTest {
    private static final ServerAddress HOST = new ServerAddress();

    private static MongoWriteException writeError(int code, String message) {
        return new MongoWriteException(new WriteError(code, message, new BsonDocument()), HOST, Set.of());
    }

    private static MongoBulkWriteException bulk(List<BulkWriteError> errors, WriteConcernError wce) {
        return new MongoBulkWriteException(BulkWriteResult.unacknowledged(), errors, wce, HOST, Set.of());
    }

    @Test
    void duplicateKey_isCode11000_whateverTheMessageSays() {
        assertThat(MongoErrors.isDuplicateKey(writeError(11000, "anything"))).isTrue();
        assertThat(MongoErrors.isDuplicateKey(writeError(121, "E11000 duplicate key error collection")))
                .isFalse();
        assertThat(MongoErrors.isDuplicateKey(new MongoCommandException(
                        new BsonDocument("code", new BsonInt32(11000)).append("errmsg", new BsonString("x")), HOST)))
                .isTrue();
        assertThat(MongoErrors.isDuplicateKey(new MongoException("E11000 duplicate key")))
                .isFalse();
    }

    @Test
    void bulkDuplicateKey_onlyWhenEveryErrorIsOneAndTheWriteConcernHeld() {
        BulkWriteError dup = new BulkWriteError(11000, "dup", new BsonDocument(), 0);
        BulkWriteError other = new BulkWriteError(2, "bad", new BsonDocument(), 1);
        WriteConcernError wce = new WriteConcernError(64, "WriteConcernFailed", "timeout", new BsonDocument());

        assertThat(MongoErrors.isDuplicateKey(bulk(List.of(dup), null))).isTrue();
        assertThat(MongoErrors.isDuplicateKey(bulk(List.of(dup, other), null))).isFalse();
        assertThat(MongoErrors.isDuplicateKey(bulk(List.of(dup), wce))).isFalse();
    }

    @Test
    void transient_byTypeCodeOrLabel_notByMessage() {
        assertThat(MongoErrors.isTransient(new MongoSocketReadException("x", HOST)))
                .isTrue();
        assertThat(MongoErrors.isTransient(new MongoTimeoutException("x"))).isTrue();
        assertThat(MongoErrors.isTransient(new MongoException(11602, "x"))).isTrue();
        assertThat(MongoErrors.isTransient(new MongoException(10107, "x"))).isTrue();
        MongoException labelled = new MongoException(1, "x");
        labelled.addLabel("RetryableWriteError");
        assertThat(MongoErrors.isTransient(labelled)).isTrue();
        assertThat(MongoErrors.isTransient(new MongoException(2, "network timeout, connection reset")))
                .isFalse();
        assertThat(MongoErrors.isTransient(writeError(11000, "x"))).isFalse();
        assertThat(MongoErrors.isTransient(new IllegalStateException("timeout")))
                .isFalse();
    }

    @Test
    void toStoreException_wrapsDriverFailuresWithCause_andPassesOwnExceptionsThrough() {
        MongoException driver = new MongoException(13435, "not primary");
        BalanceException own = new BalanceException("mine");

        Throwable wrapped = MongoErrors.toStoreException("load of account 'u1'").apply(driver);

        assertThat(wrapped)
                .isInstanceOf(StoreException.class)
                .hasCause(driver)
                .hasMessage("load of account 'u1' failed: MongoException (code 13435)");
        assertThat(MongoErrors.toStoreException("x").apply(own)).isSameAs(own);
    }

    @Test
    void quote_shortensHugeIds() {
        assertThat(MongoErrors.quote("u1")).isEqualTo("'u1'");
        assertThat(MongoErrors.quote("x".repeat(10_000))).isEqualTo("'" + "x".repeat(64) + "...' (10000 chars)");
    }
}
