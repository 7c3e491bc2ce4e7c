-- Photo evidence (照片): one row per upload. The picture itself is a file, stored once per
-- content under <data dir>/media/<first two hex digits>/<sha256>.jpg, with its thumbnail
-- beside it (<sha256>.thumb.jpg): upright, re-encoded as JPEG without metadata. sha256 is the
-- hash of that stored file, so the same picture uploaded twice has the same hash.
CREATE TABLE media (
    id          INTEGER NOT NULL PRIMARY KEY,
    uploader_id BIGINT NOT NULL REFERENCES people (id),
    sha256      TEXT   NOT NULL,
    width       BIGINT NOT NULL CHECK (width > 0),
    height      BIGINT NOT NULL CHECK (height > 0),
    bytes       BIGINT NOT NULL CHECK (bytes > 0),
    created_at  BIGINT NOT NULL
);

CREATE INDEX media_sha256 ON media (sha256);
CREATE INDEX media_uploader ON media (uploader_id, id);
