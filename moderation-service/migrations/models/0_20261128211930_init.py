from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "moderation_deleted_content" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "content_type" VARCHAR(10) NOT NULL,
    "content_id" UUID NOT NULL,
    "deleted_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_moderation__content_34576d" UNIQUE ("content_type", "content_id")
);
COMMENT ON COLUMN "moderation_deleted_content"."content_type" IS 'POST: POST\nCOMMENT: COMMENT';
COMMENT ON TABLE "moderation_deleted_content" IS 'Content its owner service deleted: a deletion that arrives before the content''s creation';
CREATE TABLE IF NOT EXISTS "moderation" (
    "id" UUID NOT NULL PRIMARY KEY,
    "content_type" VARCHAR(10) NOT NULL,
    "content_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "post_id" UUID,
    "title" TEXT,
    "content" TEXT,
    "version_at" TIMESTAMPTZ NOT NULL,
    "offensive_score" DOUBLE PRECISION NOT NULL,
    "spam_score" DOUBLE PRECISION NOT NULL,
    "blocklist_score" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "details" JSONB NOT NULL,
    "model" VARCHAR(100) NOT NULL,
    "decision" VARCHAR(10) NOT NULL,
    "reason" VARCHAR(20),
    "status" VARCHAR(20) NOT NULL,
    "decided_at" TIMESTAMPTZ NOT NULL,
    "report_count" INT NOT NULL,
    "open_reports" INT NOT NULL,
    "reviewed_at" TIMESTAMPTZ,
    "appealed" BOOL NOT NULL,
    "queued" BOOL NOT NULL,
    "content_deleted_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_moderation_content_781d96" UNIQUE ("content_type", "content_id")
);
CREATE INDEX IF NOT EXISTS "idx_moderation_queued_113b6e" ON "moderation" ("queued", "appealed", "report_count", "score", "id");
CREATE INDEX IF NOT EXISTS "idx_moderation_status_cb030a" ON "moderation" ("status", "appealed", "report_count", "score", "id");
CREATE INDEX IF NOT EXISTS "idx_moderation_author__858c51" ON "moderation" ("author_id");
CREATE INDEX IF NOT EXISTS "idx_moderation_post_id_cd0ba7" ON "moderation" ("post_id");
COMMENT ON COLUMN "moderation"."content_type" IS 'POST: POST\nCOMMENT: COMMENT';
COMMENT ON COLUMN "moderation"."decision" IS 'APPROVE: APPROVE\nREVIEW: REVIEW\nREMOVE: REMOVE';
COMMENT ON COLUMN "moderation"."reason" IS 'OFFENSIVE_CONTENT: OFFENSIVE_CONTENT\nNUDITY: NUDITY\nRULES_VIOLATION: RULES_VIOLATION\nRACISM: RACISM\nSPAM: SPAM';
COMMENT ON COLUMN "moderation"."status" IS 'APPROVED: APPROVED\nPENDING_REVIEW: PENDING_REVIEW\nDELETE_REQUESTED: DELETE_REQUESTED\nDELETE_CONFIRMED: DELETE_CONFIRMED';
COMMENT ON TABLE "moderation" IS 'The current moderation case of one post or comment (one per content item).';
CREATE TABLE IF NOT EXISTS "moderation_appeal" (
    "id" UUID NOT NULL PRIMARY KEY,
    "author_id" UUID NOT NULL,
    "note" TEXT NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "resolved_at" TIMESTAMPTZ,
    "resolved_by" UUID,
    "moderation_id" UUID NOT NULL UNIQUE REFERENCES "moderation" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_moderation__author__60679e" ON "moderation_appeal" ("author_id");
COMMENT ON COLUMN "moderation_appeal"."status" IS 'OPEN: OPEN\nGRANTED: GRANTED\nDENIED: DENIED';
COMMENT ON TABLE "moderation_appeal" IS 'The author''s appeal of a removal: one per case.';
CREATE TABLE IF NOT EXISTS "moderation_action" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "action" VARCHAR(30) NOT NULL,
    "actor_type" VARCHAR(10) NOT NULL,
    "actor_id" UUID,
    "from_status" VARCHAR(20),
    "to_status" VARCHAR(20) NOT NULL,
    "reason" VARCHAR(20),
    "note" TEXT,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "moderation_id" UUID NOT NULL REFERENCES "moderation" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_moderation__moderat_17f0e2" ON "moderation_action" ("moderation_id", "id");
COMMENT ON COLUMN "moderation_action"."action" IS 'ANALYSED: ANALYSED\nREANALYSED: REANALYSED\nREMOVAL_REQUESTED: REMOVAL_REQUESTED\nREMOVAL_CONFIRMED: REMOVAL_CONFIRMED\nAPPROVED: APPROVED\nREPORTS_THRESHOLD: REPORTS_THRESHOLD\nAPPEALED: APPEALED\nAPPEAL_GRANTED: APPEAL_GRANTED\nAPPEAL_DENIED: APPEAL_DENIED\nCONTENT_DELETED: CONTENT_DELETED\nAUTHOR_DELETED: AUTHOR_DELETED';
COMMENT ON COLUMN "moderation_action"."actor_type" IS 'SYSTEM: SYSTEM\nMODERATOR: MODERATOR\nUSER: USER';
COMMENT ON COLUMN "moderation_action"."from_status" IS 'APPROVED: APPROVED\nPENDING_REVIEW: PENDING_REVIEW\nDELETE_REQUESTED: DELETE_REQUESTED\nDELETE_CONFIRMED: DELETE_CONFIRMED';
COMMENT ON COLUMN "moderation_action"."to_status" IS 'APPROVED: APPROVED\nPENDING_REVIEW: PENDING_REVIEW\nDELETE_REQUESTED: DELETE_REQUESTED\nDELETE_CONFIRMED: DELETE_CONFIRMED';
COMMENT ON COLUMN "moderation_action"."reason" IS 'OFFENSIVE_CONTENT: OFFENSIVE_CONTENT\nNUDITY: NUDITY\nRULES_VIOLATION: RULES_VIOLATION\nRACISM: RACISM\nSPAM: SPAM';
COMMENT ON TABLE "moderation_action" IS 'Append-only history of a case: who did what, when.';
CREATE TABLE IF NOT EXISTS "moderation_text_fingerprint" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "author_id" UUID NOT NULL,
    "fingerprint" VARCHAR(64) NOT NULL,
    "content_type" VARCHAR(10) NOT NULL,
    "content_id" UUID NOT NULL,
    "seen_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_moderation__content_00d06d" UNIQUE ("content_type", "content_id")
);
CREATE INDEX IF NOT EXISTS "idx_moderation__author__fb5304" ON "moderation_text_fingerprint" ("author_id", "fingerprint", "seen_at");
CREATE INDEX IF NOT EXISTS "idx_moderation__seen_at_b0d80a" ON "moderation_text_fingerprint" ("seen_at");
COMMENT ON COLUMN "moderation_text_fingerprint"."content_type" IS 'POST: POST\nCOMMENT: COMMENT';
COMMENT ON TABLE "moderation_text_fingerprint" IS 'A hash of each content''s normalised text, for the duplicate-posting spam rule.';
CREATE TABLE IF NOT EXISTS "moderation_report" (
    "id" UUID NOT NULL PRIMARY KEY,
    "reporter_id" UUID NOT NULL,
    "reason" VARCHAR(20) NOT NULL,
    "note" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "moderation_id" UUID NOT NULL REFERENCES "moderation" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_moderation__moderat_c3703d" UNIQUE ("moderation_id", "reporter_id")
);
CREATE INDEX IF NOT EXISTS "idx_moderation__reporte_fb354c" ON "moderation_report" ("reporter_id");
COMMENT ON COLUMN "moderation_report"."reason" IS 'OFFENSIVE_CONTENT: OFFENSIVE_CONTENT\nNUDITY: NUDITY\nRULES_VIOLATION: RULES_VIOLATION\nRACISM: RACISM\nSPAM: SPAM';
COMMENT ON TABLE "moderation_report" IS 'A user''s report of a post or comment: one per user and content item.';
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
    "eJztXetzmzoW/1c0/rLtTNppnVfXs7MzTkxa77VN1ia9t/f6DoNBjpliyRWQNNPt/76SeA"
    "twAD+CXb4YkHSE/DvocF4SP1pLbEDLfttdraBmtTrgRwtpS0hPhJoT0NJWq6icFTjazAqb"
    "Es0xMVK1qPnMdoimO7TBXLNsSIsMaOvEXLGGjExZQKC5zgKTf9jAIwR4DjRA4BI/aFYHYA"
    "TBChKgazZ8yzo1sE57NdF9RXoXmd9cqDr4HjoLSGgvf/1Ni01kwO/QDi5XX9W5CS0jgYdp"
    "sA54ueo8rXjZ3V2/d8NbsrHNVB1b7hJFrVdPdHQobO66pvGW0bC6e4gYaNCIAYRcy/JBDY"
    "q8EdMCh7gwHKoRFRhwrrkWg7n1r7mLdIYu4HdiP2f/9ocWa6aqI1lRJ5Kiqq0UV9gQBKD9"
    "Ih0jxlETOQyoHz+9fiNAeGmL3eD6U3f86vTiNYcA28494ZUcrtZPTqg5mkfKQY9Q9viplg"
    "M7QbRNzIOCNaAHeNUM4QhRhB2YBlOB351sMIP2Ao50YNtBMBIGLwuhIv2hsJ6Xtv2NSb7W"
    "6HN3zHEddv/gwC6f/JqBPPoYNMdUpnlSb3Q9kK8EsG1Hc1w7Dff1QiMScpcc8j4dooZ0mI"
    "I+ot4f+C35VhqVlBGcpgPY7xR9HHdHitTrAP9kinrSqM8KvKMotrMZ1Vpq31ULontnQS/f"
    "v1vDuIBN79+9Fhji17R5VZIxOoEMOFVz0szp0RrHXMLs+ZCkFBhj+KRvg5MDnCMt+gcNGV"
    "lPvnhbN2f6Q2midIe3iYnT6yoSq2knJk1Q+upCYFPYCfi9r3wC7BL8KY8kUZaF7ZQ/W2xM"
    "VMpjFeFHVTNikjgoDVBLcJ32hK2HSmwXSLfAd3/AdWH7gbA5wKQYn2dPZfQGgWwDzeFweF"
    "tCc4ip9eX0sRThfvXgWgLL7Ir515jOywpmmv71USOGmqrBbZypH0fQphkiI6hg+pNSMgT4"
    "fctumOjqENkQlUb3J9pjaLylH0R6Qv87dDylrDu57vak1s8EK5LIs6pleymWaEi75/+ajY"
    "+Nxse0xzs3rjFyIB9Vyp4WWpwUtKu9URvsL4d0zxrY/k2A6dgAP1L+AhuSB1OHwO+uQ41l"
    "fspsRmehOUAjxHyANpjBOSaQlkHg35La2FwV8p+XhCW+qxtN0aOJbPCK1/plwLRZa3q8R5"
    "TSeJ1n2P/V8jv0HnzvKeLX9Fn4exOz/8q876Mc8ylT4Jkex+JzzH9cazvF6GDp4c0/2+3T"
    "08v2u9OLD+dnl5fnH959oG35eNNVl2vE41X/Y38kWFCsYL07QORgFatK7KPOhm3rVp4oHc"
    "B+p+haHg6lEb30T2piSUWTqIRKkKTarY/mAFWtQLyXt1OSlI15Whe7Jc883UgP3J6iElP+"
    "MpSUpGpYREEp7vHXXUKYrhDRcvc889xzdz2FGGBClYHlkjV7FfrwQx0DLl9nBwO21/Wm6s"
    "SPVsSHFu3JhYaPJNQs75zAFSYOncmupxzYOtVm2Anrjh7g9xV90mz6J0Ju+lzy50kwyVu8"
    "MUWeX3CxErt55FN8gZtHjvktdsrYuGmXTZTnRaM8jVrXqHX11jq2o9bVPZp5gJAG0r8EoD"
    "GSxsWbRNMxHatUdDgkqCRuDwfDnUSHY867onjHSBrEyyP+AInN05JK29VJyiO0qw/Eji4U"
    "/8PzOUS2+QDV0JBJ8vrGwlrODMugFbg9Z8THxeGefHc1kMDtWLruT/ryKMlSXsnNwm+W6c"
    "VKxlJ3IOa6rLRlBbyTZA3URaCeWVj/aplUjSmPdwZtA3qh57v8o90AXAZgAzqaaWVky/1n"
    "Io/yvN0hifhKNnUH/A+wB31XSMc8LzPXtBwT2W/ZbV/C+cIgWq8tiYqR8NplHYjaEvfwZv"
    "tj8hM9rLo7X4pHGgQXSzEfyzonS8rLYkDdtDOTN4o5veL0dca81b29HcufpQ7wT6ZoLH3u"
    "S793gHdk10PewDvWwwlGoGZXZ05EXWNTrSXf3EijSf+zpF7LI4U7IlNFUzS66/WVLx3gHS"
    "m37gbSRP3clwddhYp7yrZkAW3RpW+CIa3gxyma3HbpFfutwtt2Ed6283nbTvH28FKzq0+7"
    "XjjvelN0K416/dFHNZiAyWuWrj2QFIle/veOGmJe4nayJGxDH4+b/ngYaxOW1IPJTD4aFe"
    "PoccrG3q+1vS+GL5OMzs3NEsmez9LaFl/f7Upl8bK02u/PLs8+nF6chclZYcm6nKwg/yrm"
    "SFlBpHowZYjKXGBFsgZYEVgCH0z4WHElQoK0WYlQZ8kUT7IQkkYxtqCGcmJ+MTKBwTNKt6"
    "vZE5bsl6tXsjxIMPSqL/ry74ZXElXeXyedCOl5FeXWlEA7ImqwLoF1EOyvnqyY3UMj0eos"
    "0ZqVk/lKwnGlpsa57q6MilxPUjZcrwvXMyY7H32JhOSYmsPd4BkmwpVPePPbGFphZvBzC9"
    "C6etVlaPUQ9KmFaBnW6oZgjXknxwRRqfR2UcPOBzNYBfk8pNHWNgepXWQjWmkNgD//1q4E"
    "iOZosY2AoubPLgtgjEDGG0xlKliYtoPJk7eRD8ve74DHBQaGadCj5pzQX4jS6f/Vunh+O6"
    "BE5nlqOek+s9CbRYesbh+LDqNHt0qkIKKud6Rg1B18mfBIgX/GQnJRaXTuh+q6g3iIIFUU"
    "tYoFCVJFU5QVoRhLt/JYmajKp7E0+SQPOKVQxCml7sCn5GdBmRruQZO8DuuDHWkSlywTn0"
    "e7VC+W0WMZ+YkCSn+nfJLHUYPkdZWYx2mRmMdpfszjNBXzoA8cJhstpUj2UOvHdvKFPmws"
    "rsiPUzSUe9K4q8jjDghPp+huItEC9luPuLIHcMllADGaJm09ieec4KW6WUBX6KLOEftfPa"
    "hL7dXNeJ3ooNbi7VdndZOAc7wJOHvdiPJwXns7WffCbJs01mvyav32TVLtelZUSKpt4if5"
    "EucwPelF4if13DuvvlKw7O55xXbEu8EEmvfoN/iUUhx2sSdePeDdya54e9uYxtMH0D0kK2"
    "Jmb6EnNjkp6JJ2KB0dRpLweec0WGj2gjmToaYvYpvUIUyWGn01QgOwnk/AHBO+j53hrixT"
    "p8/NG/Yk0/sBtuYNENfK2MR++91vde8aYQeDBHY2hHx97DZ3q9lCl41XvZ5e9WYvjK27wZ"
    "LzseiqLYGszg6Rimu3Ls4KGK8XZ7nGK6vKzn3bxM3e7FjU7FhUd5ESvIBTiK43VWNkR2in"
    "HohdmpvOWSLFa5eqvZ/ClKHRR8lNhRR5EjUvoL67NmQfiPKIvKQQYSfI6ENRrC3QkJHYEj"
    "JLad9Op5mqetKg9e4AycabVje7GG57F8M4a0rALZA136uqUQhoX9pVEwNqYkA7322uCTw0"
    "gYcm8LDZm6kJPPwqgQfZdWb4u/SQ892eePVaOwXzhioMWz5nouTDvOWv1Ta+7n35ujnzS8"
    "rfOE3zvbTEO82DJt/1ug7QQ3C2VvRy72SHMn/f2zTQuaIjRrG/fT/e71Z+bG9DFZ1/lKSK"
    "Fi6QHqEafiBqd65fNbEvPcGGq0NSRkLFaY5QPp0XEU/n+dLpPL2918GkNb7MrNlJAuPKnV"
    "GkFpVkmEi7l60+aqLgHIQIq0lo6JZgHdo2NHLtL6HFyToTbBW0LWGFsa/nAoIfecSGk7FF"
    "wzYEcD6HVFw4C9MOv2q60Gwe5jEd/m1TlpVlGnC5wg5E+hMgUMfESIeNdnOLDazEw7JTji"
    "Fm1Jgy+zNlIjFQ4cUl0O5H+96rp+S4fOA1eZF1ITH1RdYLzK9Z++LSoja18Rr+Ki7DDU3+"
    "fJGf61HJl/f5LpVjEPbt8/MiceXz8/zAMqsTltjTSVUCYb/5EaK7k1dp7pfL8m3v/C+XNe"
    "b3c+b3i77Mfv4fbC7JoQ=="
)
