from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "note" (
    "id" UUID NOT NULL PRIMARY KEY,
    "text" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "tally" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "note_id" UUID NOT NULL,
    "consumer" VARCHAR(100) NOT NULL
);
COMMENT ON TABLE "tally" IS 'Effects applied by the demo consumer: one row per note event it handled.';
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
    "eJztWvFv4jYU/les/NRJt6oEKL1qmkR7bMe0wunKbdNNU2TiB1hN7JzjtEVd//fZJiEhkF"
    "zTAqWMXxD53nux8znve36GB8vnBLzwuMclWOfowWLY118W8HfIwkGQohqQeOgZR5Z4DEMp"
    "sCsVNsJeCAoiELqCBpJyplAWeZ4GuascKRunUMTotwgcyccgJyCU4e9/FEwZgXsIk8vgxh"
    "lR8MjCNCnRYxvckdPAYF++dD/8Yjz1cEPH5V7ks9Q7mMoJZ3P3KKLkWMdo2xgYCCyBZB5D"
    "zzJ+2gSazVgBUkQwnypJAQIjHHmaDOunUcRczQEyI+mPxs/x1DJujtPrD5zrzsBxrArcuZ"
    "xp3imTmqiHx9l9U0IMaukBLj+2Px/VT38wFPBQjoUxGrqsRxOIJZ6FGtJTliXcy2WeLydY"
    "rOY58c8xrSb6HI4TICU5fcES+hKCNkCp5eN7xwM2lhN1aZ+clHD8R/uzoVl5GZ65yohZmv"
    "Rikz2zab5Tfl0Bmg8Hr2D5g7JI6sNqphcjc3yTOPQ4+fIW2VcPSPrMm8a5VUL+oHvVuR60"
    "rz7p4fww/OYZ/tqDjrbYBp3m0KPT3DrNb4L+7A4+In2JvvZ7nXzWzP0GXy09JxxJ7jB+52"
    "CSkYEETVh71EI2uskkmQaG2L25w4I4SxZu8yLfZZNv+3kEMzw2a6bJ1dOMZX2APcPokt7P"
    "DKWCL+cu31N8qzMagStDpG7mUSBoOEVK4BEBnyO9zpEP4hxxBkjwOxSAQLqaILgFJhGVaI"
    "IZ8YAcW7lXZa03XnP1uaDjLpMV6o960/N5Gb89Lys8m0zKsZ7Cj+9tu15v2Sf107Nmo9Vq"
    "np2cKV8z32VTqyRzL7q/dnuDxUTUQHlV0kvqVNsAZELWuQt4ZY18SdHPFKE4b6oU+mzMHh"
    "b72pOKfa2k2NdmxX5HZL8fySG/72gVXCX+WXNpCeDG0YG5587s/Q/quy31NYtfUX6zMdvt"
    "wnZefWfUGDYq6O9i1EGBixU4y/UtiFDPaonoQunIRHxfP9ZFcm2z+mHXGq3GWf20MZeNOV"
    "KmFokypHRy142EeFb7mgvdw/71jfSrCSdLDWt2oQPBSeRW2yFmY/ZQn5pPkadmsTo1l8RJ"
    "F9xlgn+77vdWE5z453OHuhL9izwabkyfXidrNBMLCZOQeXTV/ivP8+Xv/Yt8JugbXORID6"
    "KhYmryLA3Lx65BxOLtS8lq7MgG501I2I40X58EdyEMgRT2XzmPd2UtWJD4VujCrH7mQGx2"
    "FnY34SEgMMdpSE5oiEIQt9QFNMEhcrnvU6le03NzvEYJ+AGXwNwpEuByseJkbjNDvKBLfF"
    "t9yj78WnRoZbbXyqQy8IzClYvdzu57qyclhx+PNlDI2iCoO1lVwGJLaeHCqc/OnBr+X44M"
    "X9jyF0t+4YlKsd4XH6nsg9jbzeZT/ibQbBb/TUDbFsVeJ1UFhmP3PWR3I6VUjSjjnfRTe+"
    "9MyKH9rth+v2oxe/wPxwJ2NQ=="
)
