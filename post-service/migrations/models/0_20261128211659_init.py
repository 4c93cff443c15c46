from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "post_author" (
    "id" UUID NOT NULL PRIMARY KEY,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "total_connections" INT NOT NULL,
    "profile_synced_at" TIMESTAMPTZ,
    "connections_synced_at" TIMESTAMPTZ
);
COMMENT ON TABLE "post_author" IS 'A user as auth last described them (``user_*`` events), or as the token check did when';
CREATE TABLE IF NOT EXISTS "post_connection" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "other_id" UUID NOT NULL,
    "connected" BOOL NOT NULL,
    "changed_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_post_connec_user_id_56a82d" UNIQUE ("user_id", "other_id")
);
CREATE INDEX IF NOT EXISTS "idx_post_connec_other_i_a61564" ON "post_connection" ("other_id");
COMMENT ON TABLE "post_connection" IS 'One row per direction, kept after a disconnect (``connected`` false) so that a late';
CREATE TABLE IF NOT EXISTS "post_deleted_user" (
    "user_id" UUID NOT NULL PRIMARY KEY,
    "deleted_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "post_deleted_user" IS 'Tombstone of a deleted account: late events about it are ignored, and it cannot post.';
CREATE TABLE IF NOT EXISTS "post_idempotency_key" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "key" VARCHAR(100) NOT NULL,
    "request_hash" VARCHAR(64) NOT NULL,
    "status_code" INT NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_post_idempo_user_id_f6c691" UNIQUE ("user_id", "key")
);
CREATE INDEX IF NOT EXISTS "idx_post_idempo_created_f66135" ON "post_idempotency_key" ("created_at");
COMMENT ON TABLE "post_idempotency_key" IS 'A create request''s ``Idempotency-Key`` and the answer it got, written in the same';
CREATE TABLE IF NOT EXISTS "post" (
    "id" UUID NOT NULL PRIMARY KEY,
    "title" VARCHAR(100),
    "content" TEXT NOT NULL,
    "categories" JSONB NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "published_at" TIMESTAMPTZ,
    "listed_at" TIMESTAMPTZ NOT NULL,
    "removed_at" TIMESTAMPTZ,
    "removal_reason" VARCHAR(40),
    "total_views" INT NOT NULL,
    "total_comments" INT NOT NULL,
    "total_reactions" INT NOT NULL,
    "positive_reactions" INT NOT NULL,
    "hot" DOUBLE PRECISION NOT NULL,
    "search_vector" TSVECTOR GENERATED ALWAYS AS (SETWEIGHT(TO_TSVECTOR('simple',COALESCE("title", '')),'A') || SETWEIGHT(TO_TSVECTOR('simple',COALESCE("content", '')),'B')) STORED NOT NULL,
    "author_id" UUID NOT NULL REFERENCES "post_author" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_post_listed__b75c20" ON "post" ("listed_at", "id");
CREATE INDEX IF NOT EXISTS "idx_post_hot_f49083" ON "post" ("hot", "id");
CREATE INDEX IF NOT EXISTS "idx_post_author__48f3e0" ON "post" ("author_id", "listed_at", "id");
CREATE INDEX IF NOT EXISTS "idx_post_search__887e47" ON "post" USING GIN ("search_vector");
COMMENT ON COLUMN "post"."status" IS 'DRAFT: DRAFT\nPOSTED: POSTED\nARCHIVED: ARCHIVED';
CREATE TABLE IF NOT EXISTS "post_counted_item" (
    "item_id" UUID NOT NULL PRIMARY KEY,
    "kind" VARCHAR(10) NOT NULL,
    "post_id" UUID NOT NULL,
    "state" VARCHAR(10) NOT NULL,
    "positive" BOOL NOT NULL,
    "changed_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_post_counte_post_id_74f355" ON "post_counted_item" ("post_id");
COMMENT ON COLUMN "post_counted_item"."kind" IS 'COMMENT: comment\nREACTION: reaction\nVIEW: view';
COMMENT ON COLUMN "post_counted_item"."state" IS 'LIVE: live\nDELETED: deleted';
COMMENT ON TABLE "post_counted_item" IS 'Each comment, reaction and counted view, by its own id: what makes the counters exact.';
CREATE TABLE IF NOT EXISTS "post_nft" (
    "id" UUID NOT NULL PRIMARY KEY,
    "post_id" UUID NOT NULL UNIQUE,
    "author_id" UUID NOT NULL,
    "status" VARCHAR(30) NOT NULL,
    "data" JSONB NOT NULL,
    "cid" VARCHAR(100) NOT NULL,
    "token_uri" VARCHAR(120) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "post_nft"."status" IS 'READY_FOR_MINTING: READY_FOR_MINTING\nMINTING_IN_PROGRESS: MINTING_IN_PROGRESS\nMINTING_COMPLETED: MINTING_COMPLETED\nMINTING_FAILED: MINTING_FAILED';
COMMENT ON TABLE "post_nft" IS 'One per post. ``post_id`` is a plain column, not a foreign key: a minted token outlives';
CREATE TABLE IF NOT EXISTS "outbox_event" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "event_id" UUID NOT NULL UNIQUE,
    "event_type" VARCHAR(100) NOT NULL,
    "version" INT NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL,
    "producer" VARCHAR(50) NOT NULL,
    "data" JSONB NOT NULL,
    "published_at" TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS "idx_outbox_even_publish_917362" ON "outbox_event" ("published_at");
CREATE TABLE IF NOT EXISTS "processed_event" (
    "event_id" UUID NOT NULL PRIMARY KEY,
    "event_type" VARCHAR(100) NOT NULL,
    "processed_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_processed_e_process_b04fdf" ON "processed_event" ("processed_at");
COMMENT ON TABLE "processed_event" IS 'One row per event whose effect this service has committed: the idempotency record.';
-- Appended by hand: counters never go below zero (the handlers also clamp with GREATEST).
ALTER TABLE "post" ADD CONSTRAINT "post_counters_not_negative" CHECK (
    "total_views" >= 0 AND "total_comments" >= 0 AND "total_reactions" >= 0
    AND "positive_reactions" >= 0 AND "positive_reactions" <= "total_reactions"
);
-- Appended by hand: finer statistics on the search column, so the planner knows how rare a
-- searched word is (rare: GIN bitmap, then sort; common: walk the listed_at index).
ALTER TABLE "post" ALTER COLUMN "search_vector" SET STATISTICS 1000;
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXW1z4jgS/isqvtzMFZOakJeZ466uiiRklpskpAiT3dtlyghbgCtGYm05DDU3//26ZR"
    "u/YBMgMeOw/pKA1C3Zj+T20+qW+F6ZCINZzkHDlWNhV+rke4XTCYMPiZoqqdDpNCzHAkkH"
    "lhKdCkdqNBQcONKmuoSqIbUcBkUGc3TbnEpTcFRoENdhNqEOQS1iUUcST2TADCLHbELe9P"
    "soo/293yfskXHpvK0SoXSgnkjxwDjRx0x/IIZpkNmYcezbEDp0bvJRft30ONTMydC0oTm8"
    "dWYckCbVx2RkC3dKxBDqmGU4xGYTNhkw22ur3xe67to2MzQqoTuQw2LVK3yisscdJokpq8"
    "QRhHIiLAOu3qsHzM1HBrpwF5IRDqU2EfBnZpuSwQ1C0QyLODtAHFxu/ukyTYoRg05wZP/4"
    "CsUmN9g35gRfpw+autTYwJsGNqDKNTmfqrIvX1oXl0oSMR5ourDcCQ+lp3MYfL4Qd13TOE"
    "AdrBsxzmy4aCMyH7hrWf7sCYq8K4YCabtscalGWGCwIXUtnFWVfw1druNkIqon/HP8b//S"
    "ImKadtPuanfNrqZVliYhXkJiwvhFuuA4gU2YDAjMD6/dEBBVWsEOzn9pdN4cnb5VEMBMGN"
    "mqUsFV+aEUqaSeqgI9RFlNH019W0L7fEztdLTjWgnU4aK3wTsoCAEPn9oFlHmBW5nQb5rF"
    "+EiO4evh+/cr0L5vdBTgIKUQF2BkPAN041fVvDpEPkQaH/uNgY4plTivg7MjqXSdTUAONX"
    "aIcOO827pv7gbn2jow17JRri2BLIWkFkDIOVMGMAXvFpfpcKfqJpCH+8gL+fd5QT7CK3hX"
    "Ozz+cPzx6PT4I4ioq1yUfFgxCq2bbgLiqS2GpsU0Z8519a5ehvgCoJHmhKXjnNpAAmfDb+"
    "Eg+LAG6v57cCPQAxR3+17stq6bd93G9S02P3GcPy2FWqPbxJqaKp0nSt+cJh6DRSPk11b3"
    "F4Jfye/tm2byZbuQ6/5ewWsCric0LmYaNaKYBMVBUWzMIw/F9uOe2Ug59kUbeyS/w4cIMc"
    "OCAdUfZtQ2tFhNxDBAxyn29sxXu/zcYUDOEcnlMfe9qVtoIi/7mv9wh6X+jFQ4iprIAnK5"
    "alKbJEsopyN1S9g39uRjdb54nCopfmmktvqkb6rHhZ/0T9ucEVvMyBQ8KsO0PdUqeWBTSe"
    "hQok8J5Y7fLDqR/kdmgGOnGn2LThx6dSCKLtuSc5pDHz3ue7NRSc+LBCmu3M1IkzrlXEgy"
    "wCtSdSFMBIcwy5H8o6I68Tw/gaX4+WvCv/xeCcc5IgVC7NsUHl9HMRB/EviD68++4KGpKG"
    "EYK/Xlx0Ye65k5yiRCqT5rCvPxje7znNUcH0uf+fyjVjs6+lB7f3T68eT4w4eTj+8XFGi5"
    "ahUXOmt9QjoUs8QBP8r2ZCOTYd1Fg4jKS64cFMNKbrVQEMK5eFQ2wDOqUwKaAHRhDFOMhB"
    "AWo3wlnWNpqA5Acb8APWu3r2KM7ayVsAQ3X67Pmp03hwpzEDJlzEBEAId3zWg7Bh3TfAHa"
    "/IoGYN94c57U8IJZDMb8i8NSYxbR6qfJoeFJa24g/iQ97IoJyAggcGKILM1rgFBdFy6XdW"
    "+J3osmEDoQLi7qE2ozYo64sJlRJZQbWOYzMLyMgyWCmFsvz4gNFOdd/9eIEgRzc3NTGtcs"
    "TWlpStNNactgk6mQjOvzz2yeZk0TEk8bVDNU0B58jTVCwrrN0KLZDKaXI//mkH4/0vU76B"
    "u8WTRp6KpS7mC4E6zbSMgqwSgoiBHTc3IdP3CTiAa/cA89DvfEHerZGD9ijAh4AVzoR9pz"
    "+Du16NyJtQkTmVED7TqKK/d7ZuqZkduYw42IJn3t0jMuPeNXaqs3cOR8W7JudNEX311oMc"
    "/5nH/41reK2pg6401gTurtId6nx2vAfXqciTZWpcXKAUUjJSsh0zontHYXus3fUr9Y9BbM"
    "xxR6SIH1P3ftm6wpHOokmbKpS/I/YpmvOW6ThhyiEaPHwXR9c934LTmTz6/aZ0kDjQ2cJV"
    "d+FMHaauUnprkbd2WXhKT0Vl7EW1Hx0xQfJYirrvZM1vJEsof06XWTWMwLbcZiRj8z9IUP"
    "WaTpscihUS+B1yefOV68w6itj7VHpkthb9YwkPDnxATLLNaXXp+SprQ2yqtcKGxFEwuWBb"
    "MDVg49SsZTXqddeAgy41aByl5w8VWvzuZv3dUkZvHmvGrffArEk8wmATlAMxK2yVJyfbI5"
    "ZFxr9ywyYk0GrmlJkzsH2N/PMCi5cMtV6cVN7k7UsLTgEinXWYbrVPRnonLRaVx260T96/"
    "Hb9l23eVEn3v8eRxBb91gSfEoucq5np9YyUyus1JKRelW0vzDG6zXw/ugwu1Njy2GOa5bD"
    "XOhhnroDeHGMt0t9T+iWmc9FHumYk7fJMMcUy8e50INss4l43GqU45rlo1z4UaaWBnzK8b"
    "Lc14/fJDX3zzU/XofyHmdT3uOMfXiPJpttvgNvoVXuvUtGb4ItipMJprVtjGxUsQQ3HVx4"
    "zrfcORrTLOFd2jcqHFOaj2wrhNOVS5CTIPuRjziql5agGbj68gkgh6iQG5QHeYG5AqmL9p"
    "ezqya57TTPW3ctf/ltwVBUJRaFafudZuMqucIWC8wsody9u1c1GbkJSeWnWcQaSWQFZoh3"
    "983zbrujGJsjXFtnkQhJGOcIVuO/ep+HpspFdMzJ1KufMXM0lp5SAwvOlKgjMYXbByk2Sr"
    "Ew3brxrZhSmVgGE38poJ1EOMXMwJCYI/6ZzZfWmtN3+4ZnJ71OWJf2+0KxTWeLaGt8WsH9"
    "e0nnnnm563Za510vQrv7RIFz3CPBjJZkk0rq7uGwurrG9mElrZmB+JPZzOo4KJ+NVknwTl"
    "e5xX5jBL2AKhnMiSkdImacmEadzHAz74Q+MMffkIuytkPYN2hheYtIPt30eI8vkqVVHWhy"
    "a65Ov8KEaJM7zJaeri1m/1zsTiEufxdVoARPrUIZdaiWxegjc3qckn7f35/Q7xO52Oei2l"
    "cX5PU9pg7BnSvUtqEZg8wZJmKPTbjpiJRErSE8Kc4BboD2U9ChYROPxZpaMH+JZwnrwXaZ"
    "IVyM2s0PyiAFd/No6owYgnkdjuE61VYam+nCNvCwMCGefa4WzJ4NzXZEpcxN2DQ34QHub9"
    "twYaBb6GDhefv6unnTrQcWoMeB1J13gf3VF7agx+9bzV/rygwUI1joP5+bPAYRlXy5S0Ey"
    "AjfIice4dkYCznpB8R0fcLbFNL9q3Tfr6kXS4xfNq6YKifuvj8JMaeW8L4/Dyg3mUbUd7i"
    "9flJQbzMvIVdFiGgXKM7657Ka5DkHV024DH66XcayOAsJjgNQObbKSwlY9QowMFn1R8sDm"
    "dfg6MRXZ946rFa5Ea+ksuQs59aMOxFWNonMwA9I+oQYjQ1tMyrNoi0MasplycSjZT900+j"
    "KMrFyfy4Xk7n3qJ/huF//VLtsd7RoYT+vmU50sFfW4/0Fr3Wi3nfanTvPurk5SCkNJ8BJv"
    "fdK8VBRKXTZaV1ER7/s29PpoHXp9lE2vj5boNdqt5cHPTsUO5MutfM/ZypdmwLKzSPRU01"
    "WoJ6xI2zoUgdJc29wE45jSPiK91nHZhyvOyz5cPjC7zE3fxqS8Cl+xzE3/SwxzQZYE2q4c"
    "iG9NDCBVUpYFotXVVUsDQglqbCGZ54bkjRzr8mAgrNvFwUBq8Dd0EaM6pcsdM/4eNAqNDe"
    "hUXGsf+VQezPWR2Y6ZlmGeaToiGrvLZzzM1368WD5j5CfBNiUuCdWSuRSOuSR+VcZwdZaS"
    "VpZtoaI6e2ifTtYxTyfZ1umkXCkqwkrRq9svWhCC8ypMWEGcr1tb6MxxmJHpfyUkqiujs4"
    "HsBl5Y7PdavN/knI2FwwgbDvHHVGKJhJi4iElZeGSsUVfJipFDcf2swuV0zny6eIaX+Lr8"
    "lH0IxZauzO5cmdAMbPUbfzHd/TuxsGIzarS5Na8sNqG8hjeZD1FRX2QNZpv6OO0F5tesfH"
    "HRUKYwq4Z/lSXDZ7r82SY/c0Ul295nL6nsg7GvnZysYexBKvt3c7EukZYDD9UGCPvie4ju"
    "bo8pXHFgXuYxhaX7/ZT7/VNfZj/+D71r0Lk="
)
