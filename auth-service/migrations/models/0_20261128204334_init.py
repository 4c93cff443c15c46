from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "auth_user" (
    "id" UUID NOT NULL PRIMARY KEY,
    "email" VARCHAR(320) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "interests" JSONB NOT NULL,
    "role" VARCHAR(20) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "is_verified" BOOL NOT NULL,
    "total_connections" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_auth_user_created_08c5ac" ON "auth_user" ("created_at", "id");
COMMENT ON COLUMN "auth_user"."role" IS 'USER: user\nMODERATOR: moderator\nADMIN: admin';
COMMENT ON COLUMN "auth_user"."status" IS 'ACTIVE: ACTIVE\nINACTIVE: INACTIVE\nMUTED: MUTED\nBANNED: BANNED';
CREATE TABLE IF NOT EXISTS "auth_connection" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "other_id" UUID NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE,
    "user_id" UUID NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_auth_connec_user_id_d1d5d3" UNIQUE ("user_id", "other_id")
);
CREATE INDEX IF NOT EXISTS "idx_auth_connec_user_id_0675af" ON "auth_connection" ("user_id", "created_at", "id");
CREATE INDEX IF NOT EXISTS "idx_auth_connec_other_i_ec366e" ON "auth_connection" ("other_id");
COMMENT ON TABLE "auth_connection" IS 'One row per direction: A–B is stored as (A, B) and (B, A), so \"my connections\" is one';
CREATE TABLE IF NOT EXISTS "auth_session" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "revoked_reason" VARCHAR(40),
    "user_id" UUID NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_auth_sessio_user_id_c91637" ON "auth_session" ("user_id", "revoked_at");
COMMENT ON TABLE "auth_session" IS 'A signed-in device: one refresh-token family. Revoking it kills its access tokens too,';
CREATE TABLE IF NOT EXISTS "auth_one_time_token" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "purpose" VARCHAR(20) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "user_id" UUID NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_auth_one_ti_user_id_c82332" ON "auth_one_time_token" ("user_id", "purpose");
COMMENT ON COLUMN "auth_one_time_token"."purpose" IS 'ACTIVATE: activate\nRESET: reset';
COMMENT ON TABLE "auth_one_time_token" IS 'Activation and password-reset tokens, stored hashed, single-use, expiring.';
CREATE TABLE IF NOT EXISTS "auth_refresh_token" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "session_id" UUID NOT NULL REFERENCES "auth_session" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_auth_refres_session_37d68a" ON "auth_refresh_token" ("session_id");
COMMENT ON TABLE "auth_refresh_token" IS 'Each refresh token is single-use; presenting a used one revokes its whole family.';
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
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXG1v4zYS/iuEP2WBJMg6TrLnOxSQE2/rtrGLxOkVrQstLdE2EZlyJSpZYy///YaUZI"
    "l68VssR/HqS2KRHIp6nuFwZkjpW21qm8RyT69txojBqc1qTfStxvCUwI+M2mNUw7NZVCcK"
    "OB5asjn2+EQ31MZDlzvY4FA9wpZLoMgkruHQWXCzWo8R5NjPaEYcZFLHF20ibeDVzz6etx"
    "B1kctth5gIu+hIO0atDwgzEx21jpH24Ri5NhrUpnMU3dcd1ISUzYgYgWkbMATKxkXfbMAo"
    "M8lXkHUwGxPkGpidihF4jP7jEZ3bY8InxIFx/PVXzXPhF1Tasujvv+GnL+6K+m+1ESWWKX"
    "/Lpjo1RWvDIZgTU8dcXEGZkCNfZw5xXTEY0V4UBQQyz7IEQfOZ5KcmGwMf8uLlGCm3kSPR"
    "X9mnaDh71GW3iir545fleijbouMO459lW8HUEJTH8qYsaj+b84nNFgKUyeceE0YcgQOUcc"
    "cTSiVGFahhqGc+7FGTgJ2owCQj7Fk8eiYYQFRW0/Vur6/ft/u6XkupbSgRU66gCFRDqDwM"
    "1ZUAjMUQTv5Vr5+fX9XPzi8/XTSuri4+nX2CtnK86aqrF38wEVp+VxKzzo+dbl9qDswrf9"
    "6JghcpgznWI0oj9FW9UVm4gRpOpySbB1UywYcZiJ6GP5LshFwsoycsiPiJLMU+CIIHNHvM"
    "mgeKsQT7fue2fd/Xbn8Tt5u67j+WxE/rt0VNXZbOE6VHlx9UshadoP92+j8hcYn+7HXbEl"
    "7b5WNH3jFq1/9TTFVhXG2d2c86NmM6HJaGqMlJHbK+mNEpzh8eOjfZfMdlEmx7HjVPheQ7"
    "ZHkJq9c/aXdH5z5NcQLkk74ogMYs8bp4xkQqOAFOsUCMHjONVLgkqtB+huWYjtkvZC4B7s"
    "A4MDNIBqCBt/IQdPM+IY1Ko0nu4OfFihpXKHh2eGLC5dNfa/fX2k27lrYAFaarMI0bvWxQ"
    "hdoOsfH4jB1TV/RX1Nh1O1GyaJuumtanyRLM8FiiIx5DDDoOe4ZDHtKxwhUPJ9RKJzwf0A"
    "zfdZmrulP/dCNfMt8C7974rnYoa/8ZeUzGB0jeSfxp/FArnTVe5jOSKaZWGujrCXaygV4I"
    "JLCGoRaDcpFe4RR/1S3CxnwCl+f1syUY/67d+TDXzxK+Xjeoqvt1qjMxw677bIOJmGB3sg"
    "nOKcHd4P3WfriCeP3iYg3EoVUu4rJORXxEHZfr8moDuFWpA8T649k62g2tcrGWdSrWFt4C"
    "akWoQno9pOFWBKw6d9NI/3zf6+YsinGhZFRPDY7+hyzqprItu0I8tj4OPWpxytxTcb+3WC"
    "IFSEpAH6J9dKv9kSTi+tdeK7mWig5aCVIc28rR/DbzpimvW+EmlN3fBFiEXhtAX3u4b981"
    "kZAcsNveTftO6/egQDijMD4bSrWb2063ibA5pSyZil1rEVhntixZdNNrLiDOvYyJsh4xkf"
    "QeqdGu+53f25uS40s1kf9/wDrdsCT8BaQ99Ns3TST/DVhL63bFpf+/HHRRV38iDoX+srLH"
    "NswTzHLsmyqZ4GsIokURtijZrxVr9Xq/Klas1UlkibsPt602rC4Sf2hEuZI8jlDnNsdWbB"
    "8nY77kpu0zZVdn8XcF/llRy7ifxa9/bFw1Pp1fNhbJ+0XJspx9GuIqH58P9eHm472ZuSXr"
    "qmTFellYDzGK0S5Hn8py5+cPY0bBt5pA83CesdwF0p9/uSMWDvfXs9O16ob9O1OFvKStak"
    "CXrU4VVIrPG+ZeX4WT5vHJvd/ToQJlM6IL86lz+5G8Fq8eI33oqy+6OiTAitzuiOtYxq5H"
    "QgVXbH64sZYrDyFpyKVjRswTypBJnqhBmuJID3LICBaCyYnUCBCeUmt+iu7Ik/0I6CHK0S"
    "O1LBd+uAgbBtwS+coD/+zjZBBV0G0GbEgMDIE4IhDzzJUWSGDoCwaAoKMvX1xqfvnin2zy"
    "oyRDajMyJsR4FK3zzi2teUzJESP33ZVqA+jdbgBVQco2gJfcPU1HJTA7KXS3Bc2qZEVzqW"
    "mO2eQNaVYld0BzYC0rlotjGQyw6zs/6+69pSW3SnKXjFs1Q91YJ0PdyM9QN1IZ6upEYHUi"
    "8K1Pr608EbhO8ikIQXYS+975fVWx7waxr5IvyAh+k/mEFdGvmstYMwiGeOXJDwRFZBgeMz"
    "oBLgkPAs7j8P0YcfaImHAJSFrkxBMdSn8Qrk/Tge9Ou94+MJ15DlggUr3icnivuITUZro8"
    "q/f2Y+JlPnjkb+yDp9lE2J9TZMDu2tC6ieRkSk69t9m4lzN644ONqtTBnSK9bKwB82UjF2"
    "ZRVW0jf4dBXZWh+S5oBj9lq7MBbpWbeS/8VrmCFaRWuYLS5gqKjH6VjEFG9JvMKKyIfpVk"
    "xnrBbxsbk3AfNtg6FR+DWISg/0YiWiSMiw1ZLI49m8HWrUib+juszxPbIuH2bSoGLuQOG4"
    "bCwR5w9ZWHgwyBq6irirpKsQwdirtWueMHzG9sLdzAI1elKqd8uVMeO4T3Sr/8MM+fJt1z"
    "VbvK5KH3PD60v7afiBx7ensqVr3UP7dlQ50sWhb5bYrKTy2lnyrJ39DuxmX2e5SzlDZXSQ"
    "9LaCQaG7j9qlSZ97y2dPwLedn+iTjZC1qu6YhJ7O89yI/F2o+dvQdpG4bnOFv52QnRKpgq"
    "tbM9c2zTM7IytEu+cxOTOUD7dLGOebrIt04XKeMkFtw0wPkfAQnb7//7H28zawr50sfMGw"
    "JSk61sWFJ2LwmDkjg478KEbfAeb5HB12+OLV7pImZu/JVocbwsBJuFbTeIwpQvZ0sxsRch"
    "XjkbjQiYCz4RexnEEe+0iQN8yLCnU8pBTUHhJgRRk0xnNifMmCOHGLZjpjdIirnFK6LE9x"
    "WnHMIrZ1Uos79QJjIDWyxcCdn9eN97zZS8zw9S5H2GpCQLmUYcakyyFrCgZunChaM2pcka"
    "fi8pw1eG/PkmPzejkm/v81Mqh2DsC/n0qZhUGyAcND9AdAtZSuGOPPCk1429YyJV+L1h+P"
    "2mi9nL/wHpXdVH"
)
