package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.ListQuery;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Labels and e-mail lookups from a LibreChat-shaped users collection. */
class MongoUserDirectoryTest extends InProcessMongoTest {
    private static final ObjectId ALICE = new ObjectId("65a1b2c3d4e5f60718293a4b");

    private void insertUser(BsonDocument user) {
        Mono.from(db.getCollection("people", BsonDocument.class).insertOne(user))
                .block(TIMEOUT);
    }

    private MongoUserDirectory directory() {
        insertUser(new BsonDocument("_id", new BsonObjectId(ALICE))
                .append("email", new BsonString("alice@example.com"))
                .append("name", new BsonString("Alice")));
        insertUser(new BsonDocument("_id", new BsonString("bob")).append("name", new BsonString("Bob")));
        insertUser(new BsonDocument("_id", new BsonString("{\"$gt\": \"\"}"))
                .append("email", new BsonString("eve@x.org")));
        return MongoUserDirectory.create(db, "people");
    }

    @Test
    void labelOf_objectIdUser_isEmail_stringIdWithoutEmail_isName_unknown_isEmpty() {
        MongoUserDirectory dir = directory();

        assertThat(dir.labelOf(ALICE.toHexString()).block(TIMEOUT)).isEqualTo("alice@example.com");
        assertThat(dir.labelOf("bob").block(TIMEOUT)).isEqualTo("Bob");
        assertThat(dir.labelOf("nobody").block(TIMEOUT)).isNull();
        assertThat(dir.labelOf("{\"$gt\": \"\"}").block(TIMEOUT)).isEqualTo("eve@x.org");
        assertThat(dir.labelOf("{\"$ne\": null}").block(TIMEOUT)).isNull();
    }

    @Test
    void userIdForEmail_findsObjectIdAsHex_caseInsensitivelyAsLibreChatStoresIt() {
        MongoUserDirectory dir = directory();

        assertThat(dir.userIdForEmail("alice@example.com").block(TIMEOUT)).isEqualTo(ALICE.toHexString());
        assertThat(dir.userIdForEmail("Alice@Example.COM").block(TIMEOUT)).isEqualTo(ALICE.toHexString());
        assertThat(dir.userIdForEmail("eve@x.org").block(TIMEOUT)).isEqualTo("{\"$gt\": \"\"}");
        assertThat(dir.userIdForEmail("{\"$ne\": null}").block(TIMEOUT)).isNull();
        assertThat(dir.userIdForEmail("nobody@example.com").block(TIMEOUT)).isNull();
    }

    @Test
    void find_matchesABatchOfIdsAsLabelOfDoes_withAndWithoutLabel() {
        MongoUserDirectory dir = directory();
        insertUser(new BsonDocument("_id", new BsonString("dave")));

        assertThat(dir.find(List.of(ALICE.toHexString(), "bob", "dave", "nobody", "{\"$ne\": null}"))
                        .collectList()
                        .block(TIMEOUT))
                .containsExactlyInAnyOrder(
                        new MongoUserDirectory.User(ALICE.toHexString(), "alice@example.com"),
                        new MongoUserDirectory.User("bob", "Bob"),
                        new MongoUserDirectory.User("dave", null));
        assertThat(dir.find(List.of()).collectList().block(TIMEOUT)).isEmpty();
    }

    @Test
    void users_streamsEveryUser_byIdOrByEmail_eitherWay() {
        MongoUserDirectory dir = directory();
        insertUser(new BsonDocument("_id", new BsonString("ann")).append("email", new BsonString("ann@example.com")));

        assertThat(dir.users(MongoUserDirectory.Order.EMAIL, false, 1)
                        .map(MongoUserDirectory.User::label)
                        .collectList()
                        .block(TIMEOUT))
                .containsExactly("Bob", "alice@example.com", "ann@example.com", "eve@x.org");
        assertThat(dir.users(MongoUserDirectory.Order.EMAIL, true, 2)
                        .map(MongoUserDirectory.User::label)
                        .collectList()
                        .block(TIMEOUT))
                .containsExactly("eve@x.org", "ann@example.com", "alice@example.com", "Bob");
        assertThat(dir.users(MongoUserDirectory.Order.ID, false, 500)
                        .map(MongoUserDirectory.User::id)
                        .collectList()
                        .block(TIMEOUT))
                .containsExactly("ann", "bob", "{\"$gt\": \"\"}", ALICE.toHexString()); // BSON order: strings first
        assertThatThrownBy(() -> dir.users(MongoUserDirectory.Order.ID, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize must be at least 1, was 0");
    }

    @Test
    void badArguments_areRejected() {
        assertThatThrownBy(() -> MongoUserDirectory.create(db, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("collection must not be blank, was ' '");
        assertThatThrownBy(() -> MongoUserDirectory.create(db, "a$b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("collection must not contain '$' or NUL, was 'a$b'");
        assertThatThrownBy(() -> MongoUserDirectory.create(db).userIdForEmail(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("email must not be blank, was ''");
    }

    @Test
    void ledgerListing_isLabelledFromTheDirectory() {
        MongoUserDirectory dir = directory();
        MongoBalanceStore store = MongoBalanceStore.builder(db).build();
        BalanceLedger ledger = BalanceLedger.builder()
                .store(store)
                .config(config().build())
                .clock(clock)
                .userDirectory(dir)
                .build();
        ledger.addBalance(ALICE.toHexString(), Credits.of(1)).block(TIMEOUT);
        ledger.addBalance("carol", Credits.of(1)).block(TIMEOUT);

        assertThat(ledger.listBalances(ListQuery.byUser()).block(TIMEOUT).items())
                .extracting(v -> v.user() + "=" + v.label())
                .containsExactly(ALICE.toHexString() + "=alice@example.com", "carol=null");
    }
}
