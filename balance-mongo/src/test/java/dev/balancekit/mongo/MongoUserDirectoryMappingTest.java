package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** How the directory maps a users document: {@link MongoUserDirectory#idText} and {@link MongoUserDirectory#label}. */
class MongoUserDirectoryMappingTest {

    @Test
    void idText_objectIdStringAndWholeNumbers_mapToTheLedgersUserId_otherTypesToNull() {
        ObjectId oid = new ObjectId("65f0c0ffee0000000000abcd");

        assertThat(MongoUserDirectory.idText(new BsonObjectId(oid))).isEqualTo("65f0c0ffee0000000000abcd");
        assertThat(MongoUserDirectory.idText(new BsonString("u-1"))).isEqualTo("u-1");
        assertThat(MongoUserDirectory.idText(new BsonInt32(42))).isEqualTo("42");
        assertThat(MongoUserDirectory.idText(new BsonInt64(-7L))).isEqualTo("-7");
        assertThat(MongoUserDirectory.idText(new BsonDouble(1.0))).isNull();
        assertThat(MongoUserDirectory.idText(null)).isNull();
    }

    @Test
    void label_isTheEmail_elseTheName_elseNull() {
        assertThat(MongoUserDirectory.label(BsonDocument.parse("{email: 'a@example.com', name: 'Ann'}")))
                .isEqualTo("a@example.com");
        assertThat(MongoUserDirectory.label(BsonDocument.parse("{email: ' ', name: 'Ann'}")))
                .isEqualTo("Ann");
        assertThat(MongoUserDirectory.label(BsonDocument.parse("{email: 3, name: 'Ann'}")))
                .isEqualTo("Ann");
        assertThat(MongoUserDirectory.label(BsonDocument.parse("{_id: 'u1'}"))).isNull();
    }
}
