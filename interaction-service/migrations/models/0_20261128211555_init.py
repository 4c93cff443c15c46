from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "interaction_post" (
    "id" UUID NOT NULL PRIMARY KEY,
    "author_id" UUID NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "categories" JSONB NOT NULL,
    "source_updated_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "synced_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "interaction_post"."status" IS 'DRAFT: DRAFT\nPOSTED: POSTED\nARCHIVED: ARCHIVED';
COMMENT ON TABLE "interaction_post" IS 'A post as the post service last described it: enough to decide whether it may be';
CREATE TABLE IF NOT EXISTS "interaction_user" (
    "id" UUID NOT NULL PRIMARY KEY,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "event_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "interaction_user" IS 'A user''s display data, from ``user_registered`` / ``user_updated`` (or, until those';
CREATE TABLE IF NOT EXISTS "interaction_comment" (
    "id" UUID NOT NULL PRIMARY KEY,
    "post_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "content" TEXT,
    "reply_count" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "edited_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "deleted_reason" VARCHAR(20),
    "parent_id" UUID REFERENCES "interaction_comment" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_interaction_author__935cad" ON "interaction_comment" ("author_id");
COMMENT ON COLUMN "interaction_comment"."deleted_reason" IS 'AUTHOR: author\nPOST_AUTHOR: post_author\nMODERATOR: moderator\nADMIN: admin\nMODERATION: moderation\nPOST_DELETED: post_deleted\nACCOUNT_DELETED: account_deleted';
COMMENT ON TABLE "interaction_comment" IS 'A comment on a post, or a reply to one (one level: ``parent`` is always top-level).';
CREATE TABLE IF NOT EXISTS "interaction_comment_nft" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "cid" VARCHAR(100) NOT NULL,
    "token_uri" VARCHAR(120) NOT NULL,
    "metadata" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "comment_id" UUID NOT NULL UNIQUE REFERENCES "interaction_comment" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "interaction_comment_nft" IS 'ERC-1155 metadata of a comment and its content address (``ipfs://<CIDv1>``).';
CREATE TABLE IF NOT EXISTS "interaction_reaction" (
    "id" UUID NOT NULL PRIMARY KEY,
    "post_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "type" VARCHAR(10) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_interaction_post_id_6bb40d" UNIQUE ("post_id", "user_id")
);
CREATE INDEX IF NOT EXISTS "idx_interaction_post_id_23ffc7" ON "interaction_reaction" ("post_id", "created_at", "id");
CREATE INDEX IF NOT EXISTS "idx_interaction_post_id_d8b5aa" ON "interaction_reaction" ("post_id", "type");
CREATE INDEX IF NOT EXISTS "idx_interaction_user_id_a611cf" ON "interaction_reaction" ("user_id");
COMMENT ON COLUMN "interaction_reaction"."type" IS 'LIKE: LIKE\nLOVE: LOVE\nANGRY: ANGRY\nSAD: SAD\nFUNNY: FUNNY\nJOY: JOY';
CREATE TABLE IF NOT EXISTS "interaction_post_view" (
    "id" UUID NOT NULL PRIMARY KEY,
    "post_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "viewed_at" TIMESTAMPTZ NOT NULL,
    "counted" BOOL NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_interaction_post_id_e0de85" ON "interaction_post_view" ("post_id", "viewed_at");
CREATE INDEX IF NOT EXISTS "idx_interaction_user_id_785f5d" ON "interaction_post_view" ("user_id");
COMMENT ON TABLE "interaction_post_view" IS 'One row per view request; ``counted`` marks the views that emitted ``post_viewed``.';
CREATE TABLE IF NOT EXISTS "interaction_post_viewer" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "post_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "first_viewed_at" TIMESTAMPTZ NOT NULL,
    "last_counted_at" TIMESTAMPTZ NOT NULL,
    "counted_views" INT NOT NULL,
    CONSTRAINT "uid_interaction_post_id_1b8d1f" UNIQUE ("post_id", "user_id")
);
CREATE INDEX IF NOT EXISTS "idx_interaction_user_id_50f7d8" ON "interaction_post_viewer" ("user_id");
COMMENT ON TABLE "interaction_post_viewer" IS 'One row per (post, user): the window marker. A view counts when no counted view of';
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
-- Keyset indexes of the comment lists (added by hand: Tortoise has no partial indexes).
-- Top-level comments of a post, oldest first:
CREATE INDEX IF NOT EXISTS "idx_interaction_comment_top_level" ON "interaction_comment" ("post_id", "created_at", "id") WHERE "parent_id" IS NULL;
-- Replies of a comment, oldest first; also serves the parent foreign key's cascade:
CREATE INDEX IF NOT EXISTS "idx_interaction_comment_replies" ON "interaction_comment" ("parent_id", "created_at", "id");
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
    "eJztXW1z2rgW/isavtx0hqYJbdpedmdnSCAt2wQ6Cendu8sdR7EFeGIkVrZDmW7++z1Hts"
    "GvxBBITeIvBKRzJPk5snSeo5f8qIyFwSx7/6uwnUqd/KhwOmbwJZJeJRU6mSxSMcGhN5YS"
    "NLnDJNUdU3BtEkjf2A6mQf6AWjaDJIPZujQnKIZaDYKyhNrEGTHvu83knakzYlH44YnfMI"
    "OYTp0wLtzhiDgC0nXTYGQ6YqAnIZOM6YzcMKzVEDpUa/LhNiro8+BBQWVqOiNCuYEKA9Oy"
    "VB3sjnEHqzPteVVsbDr2fp/3eYNIMfUUr68BRAblaNS5vgZZh4AKhcLGgJvgrL5oM2QMIY"
    "UMhIQvwqiqaik8gwNNur5GIU2XDH4aUBZI+WnuxPDTdMq5cMgNIoPPc0P1233Ey+Xm3y7T"
    "HDFUzwqo/fW/KhrUYN+ZHfyc3GoDk1lGpHeYBhag0jVnNlFpV1ft5qmSRFvcaLqw3DFfSE"
    "9mzgj6SCDuuqaxjzqYN2QcsIX2hnoMdy3L72RBktdiSHCky+ZNNRYJBhtQ18J+V/l14HLV"
    "K4mqCT/e/eY3LSSmaZ1uT7ts9TStkuim2IRYx/KTdMGxi0OfQKB+3HvlLgBRqRWs4ORz42"
    "Lv7ftXCgKwzFCqTAVX5V4pUod6qgr0BcrUBcSkthrYEaVNYh4kLEBfvNsBnAFgBYN4Aant"
    "UMe1k3iejKhscXesMG1DxZTrLIHtQjsGLDS0OJBWmheN016dqD99/rV72Ws168T7CyPRxc"
    "nn9jdMCb7FB890A1TG9LtmMT50RvCzdrDEIN+wZLBJ7UDZRMCw6U0WHT+nprKiptEBuKGQ"
    "Jksxz++X3U56d49qxcximLpD/iGW6U1L2zBPaJy5cU3LMbm9j/X9jKEGUcKSx7b9txWGe+"
    "+88UfcEidn3eP4C4MFHMffGOFKnQXzCUxZSes0IccxxyzdQqkFxA3ll7AffMlhLn/I34Hx"
    "qdc+b132GudfI8ZpNnotzKmp1Fksde99zGDzQsh/2r3PBH+SP7udVtyGc7nenxVsE8wHQu"
    "NiqlEjjEmQHCRFbL7wT1Y1dlSztHKRrWzPYI5b640OK27AxkVzNSrgTxtdbs38/re7Rlet"
    "Ry9+cBvyMDEBWcCUSkNL5IiayJJNZo1r43gK5XSobIbgYjN9KnllK46RoJgqvZqXYrqBdA"
    "6KibL/solh2hMLSBz62VUykGIMJAnzNMmGMFUzqXjSmyB1QZ32hKwSlzsmMjxhp7HMjdfR"
    "51RK8475pSAT1KllqVrumDQBbeCsBnBN05m92o+zyTGVt0gm/URCdV1A6XVC+xxJY7IBaf"
    "zQo5km0llxy7gdCE2lCUVQPiNjIVnJIotDcbJZ5MCUtqOpX6m0Jx3tqFaR6U7+YT1CYA4P"
    "8jAYkMqkMCov6ixjaGllqCNKJdL5kF5G5DO8lp0g72tivHk6rsKZaziHYb3S/y+OK1iyvJ"
    "dp5fUDNxuP2BRuCC153hZ43okYj2EKqKRQvSCrmpft6SGFHITPFyfgrlO1flbFFTFKJJtY"
    "M1ysw6W0PfywYJqy6rhYRiVoAA3CJThrSmdIeSavVf6r/RTCt/E6cHWwiQMqsgxcOxQDx1"
    "sBxBVD8FpAnEbWB8lecgmxCvVA93a8igBAmxmvoKw+VyVB40xmEzEIUcPgSW4Zm2B9poRP"
    "fCX2Cb4UwUqiLw6lSjYWd1AKtAsXNa+v1TNrimAikcS/NrGAvM4rVDQS6OOI8iHyVq4ezI"
    "ZugU/mMNUAb5F2RmhuSvmjsuiMoRUvlGLfJ/Aa2QDmvKv6vdAfBIIRrKKEoU+pH/clS/2p"
    "LFV1tdWgDqmU65wx771cOt44pP7omgS0B6NIxuLkQmUtzrlDbnHrj97ypce5e3TW7XwKxO"
    "PrkVHEQ9NLEvU2zwA9phUD3uRbWwo+2JabOsQWvK4dvvvw7uPb9+8+gohq5TzlwxLLtDu9"
    "eEf2tgutwQiims+QEewuA0gSP2aY61k5oliS+yLbuAzhvCQrw+hrAwoJS+fbvJYspcA+Sa"
    "Vx1fvcvagTzyf1drFpQaLy/IOc826zddHoYTpGE6DpmNponrc7oG6MTT6XaXc7cyGoxy+1"
    "2TprqR1yYboLJZycdK86oWx/KTWQiMcGfk6Y3ostrMqcwkqPcPR3551/wM9PhM7iACfRPR"
    "WSmUP+hc0Sr10M0WTwaydhXaQumijpdB4xifYqeH7vPVHoNy5PGs2WF2RJj0hGvf7UTaDH"
    "vuLplwtmqRf4BYF9v1LIdoEmH6T03QDJLmc9AR+58eyc9p4ZpKsHthGD7Ni2j9BK4W3NN9"
    "LDIe7Wxcnrw8OjIzJmDsVYmhfRDSK5waYdP+4As5+BsVCMF5uTgV1/8+bXk3bz7vC36+uU"
    "2PamC9/wzqBjc5jJ+VNnshSq7/fMx4Vbt7ki5VH9f9dqb99+qB28ff/x6N2HD0cfD+acP5"
    "m1jPwftz8h/494E0FAIDsWq6fBn72xQk9F/znsqtjKzhW1o05zpbkKxhGl54h0Ls/4cIlr"
    "fJj0jYNxLAl09nmSsM7Tnyb5Oc7xVs6NlFHGdUyxc7GJcnvJizBz4KmuFmeIaj3tovhuxB"
    "lW2aKTsEbSFAGh23hIopAGeDAiEe1/OUISj9r4dME8WldJYYfzvGpebijDGg8Rw2zkUkjY"
    "X+GdE+owCG6dWbbDJiQfnZwfuecGR5j0apTCBoueP+Yjiix3CJU7hAruV6ywnSV4I1aAM6"
    "RSwhln9YhEAst8K3OBbpF5feWs/aVVJ/jZ52fdb/gdPvu80fl08d86UX/6/LLRrBP46PPT"
    "q04H0tWfPv+9C9/hY51Fs8N8QZglMZjEVRMlN30JpKXkps/WzAU564DXo30z2bSS4vLP83"
    "K7/MpduQtUHlwMAp6njghMmCSoRSSDvmU7v6ijAC73Nu17B8Jx1z3K4DfqqHvJ8AiAv8Uf"
    "c1A4uSa0pTpW3OEf8uO8YvDFLNlByQ5KdlCyg12AczFqreiIRBRLP6Rwfkg0Rq7mw6SJj4"
    "WwGOVZMfK5Vsy+N6D2vEx63O2eRax53I4fA7k6P24Bm1NmBCHTCe1ZKJjTl36dUSh3dccv"
    "791GYbdszzuEisPvK+/c6BQsD5nolTG5Txqe5+Yfz5yOGCdcEL/feXlisNTz20wV3lFUdf"
    "YTS1IbioJLbmcgOmR4AJXyUAW/ePcfjZh+6923C7+8OvGwKB617XN3AoVB62yskOuuxF2I"
    "viOqWgBiOgsuzpXCspjxGnuC1y54M/FMKzTXf5gM/3T1qPmTe5XlDqmn2iFVepult1lcOL"
    "27u9b2OVPUS8+z0J6nukHMn23XMHiKemnwQhs8MJbycpLmzvQCEnpPdzp6+z7Bow5IF4Rb"
    "dF3nRnxv3WVcoBPOXsouhBLU2F3e23NW2kFSbuPfBSfVu4lvNbcqrFPu17tPXoiYvc6/DN"
    "BdWOEv0hmJOyZtM+2oc+bQEdJ4ujntsMATWhhOoauwyDq+YUy19AsL7RdOpDBc3Ysi5h2h"
    "wjrPcHw6yjM8HWWPTkeJwWnVI0XlcaINHCeauDeA1GitMSyu+yS3nRTEwdmJIawg5OurFD"
    "qzbWZk8q+YRHUZBZsEsiuwsMiqi1IjU/ynEIQNBgyGi8g/FxxRWx3OVttsvGUZ02DjiXAY"
    "12dEMl1IY/mWns1V8QiWuFs85TlslimpzNNRmcUwsMbEFdN9Gu/7SSMlu3kFtw9RUSeyBp"
    "OmPkqbwPycpRMXXcgUJmr4UkKGj6T82UN+ZkQle7zPDqk8h8G+dnSUY7AHqezL2DAvdu0y"
    "vFQrIOyLP0N0tzKVZt7AvOTfw2bewFzS74fo90+dzO7/DxmkxJE="
)
