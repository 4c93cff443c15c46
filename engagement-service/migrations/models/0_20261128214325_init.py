from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "engagement_connection" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "other_id" UUID NOT NULL,
    "connected" BOOL NOT NULL,
    "changed_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_engagement__user_id_1e7553" UNIQUE ("user_id", "other_id")
);
CREATE INDEX IF NOT EXISTS "idx_engagement__other_i_4dfeea" ON "engagement_connection" ("other_id");
COMMENT ON TABLE "engagement_connection" IS 'One row per direction, kept after a disconnect (``connected`` false) so that the order';
CREATE TABLE IF NOT EXISTS "engagement_user" (
    "id" UUID NOT NULL PRIMARY KEY,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "interests" JSONB NOT NULL,
    "role" VARCHAR(20) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "is_verified" BOOL NOT NULL,
    "version_at" TIMESTAMPTZ NOT NULL,
    "deleted_at" TIMESTAMPTZ,
    "score_raw" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "level" VARCHAR(20) NOT NULL,
    "score_updated_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "engagement_user" IS 'A user as the auth service last announced them, plus their engagement score.';
CREATE TABLE IF NOT EXISTS "engagement_activity_item" (
    "item_id" UUID NOT NULL PRIMARY KEY,
    "kind" VARCHAR(10) NOT NULL,
    "actor_id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "parent_id" UUID,
    "type" VARCHAR(10),
    "type_at" TIMESTAMPTZ,
    "categories" JSONB NOT NULL,
    "state" VARCHAR(10) NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_engagement__actor_i_cea57c" ON "engagement_activity_item" ("actor_id", "post_id");
CREATE INDEX IF NOT EXISTS "idx_engagement__owner_i_9d24ef" ON "engagement_activity_item" ("owner_id", "occurred_at");
CREATE INDEX IF NOT EXISTS "idx_engagement__post_id_dceb6c" ON "engagement_activity_item" ("post_id");
COMMENT ON TABLE "engagement_activity_item" IS 'One comment, reaction or counted view, with its state.';
CREATE TABLE IF NOT EXISTS "engagement_counter" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "name" VARCHAR(40) NOT NULL,
    "value" BIGINT NOT NULL,
    CONSTRAINT "uid_engagement__user_id_940c69" UNIQUE ("user_id", "name")
);
COMMENT ON TABLE "engagement_counter" IS 'A user''s named count (``comments_received``, ``reactions_made:LIKE``, ``interest:ART``).';
CREATE TABLE IF NOT EXISTS "engagement_post" (
    "id" UUID NOT NULL PRIMARY KEY,
    "author_id" UUID NOT NULL,
    "title" VARCHAR(100),
    "categories" JSONB NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "published_at" TIMESTAMPTZ,
    "version_at" TIMESTAMPTZ NOT NULL,
    "deleted_at" TIMESTAMPTZ,
    "reactions" INT NOT NULL,
    "comments" INT NOT NULL,
    "views" INT NOT NULL,
    "popularity" INT NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_engagement__author__fe8eae" ON "engagement_post" ("author_id");
COMMENT ON TABLE "engagement_post" IS 'A post as the post service last announced it, with its popularity counted here.';
CREATE TABLE IF NOT EXISTS "engagement_delivery" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "event" VARCHAR(40) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "engagement_delivery" IS 'A message for a user''s live stream, written in the transaction of the change it';
CREATE TABLE IF NOT EXISTS "engagement_notification" (
    "id" UUID NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "type" VARCHAR(40) NOT NULL,
    "post_id" UUID,
    "subject_id" UUID,
    "actor_ids" JSONB NOT NULL,
    "group_key" VARCHAR(80),
    "group_until" TIMESTAMPTZ,
    "data" JSONB NOT NULL,
    "read_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_engagement__user_id_4cec31" ON "engagement_notification" ("user_id", "updated_at", "id");
CREATE INDEX IF NOT EXISTS "idx_engagement__post_id_2dab7b" ON "engagement_notification" ("post_id");
CREATE INDEX IF NOT EXISTS "idx_engagement__subject_8df3d7" ON "engagement_notification" ("subject_id");
COMMENT ON COLUMN "engagement_notification"."type" IS 'POST_REACTION_RECEIVED: POST_REACTION_RECEIVED\nPOST_COMMENT_RECEIVED: POST_COMMENT_RECEIVED\nCOMMENT_REPLY: COMMENT_REPLY\nUSER_CONNECTED: USER_CONNECTED\nCONTENT_REMOVED: CONTENT_REMOVED\nCONNECTION_RECOMMENDATION: CONNECTION_RECOMMENDATION\nPOST_RECOMMENDATION: POST_RECOMMENDATION\nSYSTEM_MESSAGE: SYSTEM_MESSAGE\nPROFILE_ACTIVITY: PROFILE_ACTIVITY';
CREATE TABLE IF NOT EXISTS "engagement_dismissal" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "dismissed_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_engagement__user_id_b56142" UNIQUE ("user_id", "dismissed_id")
);
COMMENT ON TABLE "engagement_dismissal" IS 'A person the user does not want recommended again.';
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
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);
-- Added by hand: partial indexes the recommendation and notification queries rely on.
CREATE INDEX IF NOT EXISTS "idx_engagement_post_newest" ON "engagement_post" ("published_at" DESC) WHERE "status" = 'POSTED' AND "deleted_at" IS NULL;
CREATE INDEX IF NOT EXISTS "idx_engagement_post_popular" ON "engagement_post" ("popularity" DESC) WHERE "status" = 'POSTED' AND "deleted_at" IS NULL;
CREATE INDEX IF NOT EXISTS "idx_engagement_item_parent" ON "engagement_activity_item" ("parent_id") WHERE "parent_id" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "idx_engagement_connection_live" ON "engagement_connection" ("user_id", "other_id") WHERE "connected";
CREATE INDEX IF NOT EXISTS "idx_engagement_user_excluded" ON "engagement_user" ("id") WHERE "deleted_at" IS NOT NULL OR "status" IN ('BANNED', 'INACTIVE');
CREATE INDEX IF NOT EXISTS "idx_engagement_notification_unread" ON "engagement_notification" ("user_id", "updated_at", "id") WHERE "read_at" IS NULL;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXW1z4jgS/isqvlymiktlmGQml7q6KpIwu9wmkErI3L6wZRRbgC5GYi05DDU3//1a8r"
    "uxGZsAA4y/pLDULclPS61Wt9r5Uptwi9ji+IozRkxJOatdoC81hicEfmTU1lENT6dRnSqQ"
    "+MnW5ISN8IhMCJOGmWR5EtLBpgSiIbYFgSKLCNOhU7/LWpcR5PAZmhIHWdTxWOvomUwlwk"
    "MJpRjKhd8sOhoM/J/EGgy8Rt8gwZEcYwl/COKORRzVt8VN6Jyy0ea66TM+RAEPZla8CfIC"
    "cAhkcSIQ4xJNsIRuLjSzjSUREkEnY8xGxDKwhF5mlIljNXKX0b9cYkg+IkDtwPj/+KPmCu"
    "IY1FL1XJWq33/+CU+UWeQzEYrqS21IiW3p3zEqICKfpw4RAl5aV6oiX9bMtW0ly/lUi7Km"
    "iUFo+uGrIpw+G7rZxAzxRqLLjYD3ko7aTH7UtEoATzAbbHfCIvrpXI45Cxkok6p0RBhxAB"
    "LVg3RcNUvUqPzZFUwcD5WIxHvvGI9Fhti1ZfROMICorGYYnW7PeGj1DKO2MA8Djtic8YtA"
    "nmoOw1CFBmCkhvD3fzQa7959aJy8e39+dvrhw9n5yTnQ6vEuVn346g0mQstrSmPW/qnd6W"
    "mpwkLxlpMq+Kp5sMRGJNII/dhkSIrg8bF9nS2AGEtKCq5LrWPFmJZFgPwyYQQFkTSihb4F"
    "cSxB9urn5v3Ru/dv9BtzIUeOrtQQaXgjOMOlUgLPOE8FaArQUHlmKAnObYJZNqgJvhSqT8"
    "B4WIBedrs3quWJEH/ZnjJIaYLO4+1l6/7orcYciKhMKIgY4OFGsoj4NYAl6YTkQJ7gTGFu"
    "+azHwY/DEkCvfdt66DVv7xJSuG72WqqmoUvnqdIjbwFEMgobQf9p935G6hH93u200sskpO"
    "v9XlNjwq7kBuMzA1txTILioEhvwcPn2DagCp6w+TzDjmUs1PAGz6NdrJo0JukSzMCUs3w0"
    "1Th9W/BRaEtkwUbU5UWtQzcg/qZd2ESKFmGhDSYAZYzg+YWaynoSytpi3GUmsVT9pI6mtq"
    "tJqYOi/hBYYw45XrAG19l4n/VZE8FLE1gRXrtC4rlQrWMk+QRelYP1CSalT+RZe4LIOlJY"
    "Cm05wmwlMFHAYoRphR1ivamDvdlnmHmWJMJP3NWm58QzQrHj0BdgVrYkogKBTctHjAoYhG"
    "5vxGB01jHq6WFPHT6ktiYcwWgu+syEN4QuFeOEvxCr7r1P0H0dnZ6coiF3VPfOHHjyTNOU"
    "DVrKYszfXte/sX7bbKz9cwhSVzMQ6Z7Un9N/1XZwp823DIfUEdLQTwtoX42xk412kiuFOg"
    "x6U2q/tilwQY99NmxYrHIMj29PTpag/al5rwEHqpRq7/hVDa8uueUqTVEa6ARThXMRnEPN"
    "uIjzvx+6nRz1EWdKGzUUjuf/QzYVC6fPteEdaZInl9pSnexVf99DmSiQEvZNgPbRbfPXtC"
    "CubrqXaa2jGrhMCcUBI77MvA/otzjlA1tj89O+UWTWN/InfWNhzoMFId2MCZ8PcMSxRYib"
    "V732p9a+gkyFAaYNhfbKHlNTnFs8qIYle3tSBeCUG3KFk2qSszqp7txJNS7m6KxTVsxJzj"
    "WI2bfzKymvX8r6yGg4eLYo5I82xzmxgARXSsBDxbaptXtyfLJ9oV53Hy9vWujuvnXVfmj7"
    "tlgoRV2Z1Jn3reZN2h5QiJXHuMK3IL42eSF2qXNcwLBFa6v90L2BRX+9r/aWt+zdqVLdq2"
    "wMWfzV9rDL24PpkBVlneQ8QFuvBi9odZk992fgnojdXyy7GqRompK+UDlvSzKpZQQrEvX1"
    "gkEL7DMZNOAqdKvF5BPFXkcgac8VxB3ked0t9ELJrI5mVI4RlUJFDGRGnGK1ZlRE4irw7i"
    "vfPuIwz9BsTBjCDKm3QEObTn16dESZII5qzqYv8DLQvvqBJA/CGm/qCDof95lig9ZMcoEw"
    "DGiqF6licIi+EAMPXrRiCMvKi67o7rCtpvscURYbJwrCJn2WiGhoZzTyBhVvQ6AwhDIY1L"
    "0oh4qXaFWh6Bjygpn6ws0YMCwYskhcmwGQeRjXh4Xx2hs0Sh/Gb+XMWHSPxzRdx/G03Bq7"
    "WMeo86M4IIqSNyViLFU8p2w85xner4xhGtBvzy7d5CaZii4UCi4siS2kLdL4Wi86mxP6ob"
    "r3k7pIFdNuhS9SxXgqQFOABrq8BJ4xlgrONJzYURZdSUDjTK+AdH8OmiUQ1UCU2J8C+pX2"
    "px1DcNPbk2pihbNzjK1yj+y0ewRQH3GHklJXG5Jc1d2GhLTXcbdBn07L6LSQoTK6C2i1+K"
    "m3pGZLsR6gW3Df1duO+AF991ctM6fNq6oXTmiL6AveWv6b0Bd7Lc9N5yWTaSeeMBxiEvri"
    "ObAGg8ClJ4wJtsjFTfuXllcRXF+7aN73BoM3eTeY19+R8h3equvAns/waY6w5BNqIspMRw"
    "MilBNPOeUE9AzWAWbC90vimLNOOwq1V8/EMFJdMymU3KbFlU5sq9LQqjS0PVXbJc5SZS8T"
    "b/8e8dbMjtMiZsdpvtlxumB2vGDbzUB3mbIIWb6tL9Z2g2Lv9cWOWAB3sNSytn9dXnTvnw"
    "bEBTZ+RRtsgfp3TkYRlbGA3ZRPXRs7VM7DkB7siZkZS2ttX23zqXykCX6GbZrKeNKSivLp"
    "/KJUCpI3gFSwzYvIYWhZGxW+UZCI7HmZ9qoB3bWqZyq9yBtcbvL70nCdC0tzu2nuVdLSuo"
    "NckRBLgJ1gqmyJtO+QynIZGiHDIXpmN5CWVDnvXjubN+a82/3MmT1231V3+laZ63vhvEtE"
    "St0n0AvjlQSd5q2iULss6Soh64cQc5WQ9SNIOXT0Lwo5182V4DkYV1fj7emH0/N3709DD1"
    "dYssyxlfFpJT+kUgLROEsF6EIGMCWzMmiG9BWUaSgj/14JPJNMFag75LW+JirzwpnXMjzX"
    "YV29oPfaijMU8GBPiBDAqz/6hIP4ss4EAV6CJ3U0g0kjCQsiwPHgLx/qIs8njKjM8GCvtf"
    "0+c8iUqwQR5XX+tXl9rb7WxdFgwLikQ2pivaVdfPEDjl8HAxXN9n3PGhfkEBvPfae0UtlU"
    "buIbV1U4ugpH745FW8KFrIM+ZTxpIcMBOtLWH5Ce4rnNccZszfcex1i27zr+PvN1I07iyo"
    "eZP+urvOQN2HWdmE2SZdsl6ovadyzN9C0bL38SlAy6x3bN5OcY1psru4H0W+E+/ZeYG0yP"
    "re4LbOG+QGXobSmHq8XcicazDd1iZpIFXF+Vz7UlOGt33Yeecd9SnyvsduDHVav9qXV9gb"
    "LL+0yXX3Vvb1udXpo8XdxnUcndzW8XKPHYZ48PrXtg6nRaVz3VSPJZcXd6HvltV/eSKtAU"
    "itgfom4dtlN41LTZVf47pOkzCvvs4beHXuvWgP31oflT6wIln6Gl++7H9k3L0F97bPfgFd"
    "Ml6cP+dzKov1eu7P7EM0oohdhOWQLQJFeFafb3BkpdGUowVTeG1n4YHDncnRrPJMOFnu/q"
    "SDAd3o258yLK+TxfOZ8vKGcPMJdJmvGdveVn7hRrFYDe5QC0stnLaLeAfjcUm+r2YBSb8u"
    "Ss4OKKsVVLbZeXWuXF/CHEvPoHU9f+qdRKzAeZLX9NxYQKge1a1rWDsLJe9N5BgqNI6hxx"
    "BPdC/vr/Z4X/M3WGmdT/2Epdp7LUf7Yagewzs+NWaOJbmej+e8ACyvhXq9UVgOoKwJ6qxh"
    "IOi8QSKIFpmq8CtopAVxHo77nHd135xD+39A2djF0+Xr10n+ea0Aiv+mw06Fxtsju5yWrh"
    "l9wR4jzbDXjv/F7gQZMfhF0G6D6EX1f0QW8ka9tPWVsEOj/7IOLY3lX5t5vVH2vLP6i+5X"
    "fA3olEbN3hlmt6n8ErqqHiPAeon86KqKezfO10tqCc9id2ckB3gfcu0X1HDJy9UGE7cvi6"
    "c7hJlDsk9/yVoqgvO4JNA9oSpzD9r4QcPlOOUv9rXrMxFwSR4ZCY6qNeVIRfFBtj4edDwT"
    "S98D7qaZHJlEvCzLn2pjpW9n8rWn8Xrzgl7tc55RAu5lZHme0dZSI1sMLGleLdjvW9VU9J"
    "5UXcwEbWJA41x1kbmF+zdOPCEc3OeA1/FJfhK4/8+So/16OSr+/zXSqHoOwbZ2cFlD1Q5f"
    "/rXFWXujkMi6oEwj75AaK7mW85ciYzc52XfMgxYqmO3yWP3991M/v6f0gIB2Q="
)
