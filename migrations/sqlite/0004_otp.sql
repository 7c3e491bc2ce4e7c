-- SMS one-time codes (短信验证码): stored hashed, valid 5 minutes, single use, 5 wrong tries.
-- Every request is a row (also those that sent nothing), so rate limits count rows.
CREATE TABLE otp_codes (
    id          INTEGER NOT NULL PRIMARY KEY,
    phone       TEXT   NOT NULL,
    client_ip   TEXT   NOT NULL,
    code_hash   TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    used_at     BIGINT
);

CREATE INDEX otp_codes_phone ON otp_codes (phone, created_at);
CREATE INDEX otp_codes_ip ON otp_codes (client_ip, created_at);
