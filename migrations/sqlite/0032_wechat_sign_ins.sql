-- WeChat sign-ins bound to the browser that started them (server/src/auth/wechat.rs).
--
-- `POST /auth/wechat/start` stores one row: the random `state` that travels through WeChat's
-- authorisation page and back, and the SHA-256 (hex) of the `verifier` that only the browser
-- keeps. `POST /auth/wechat` accepts a code only with a matching pair, before `expires_at`,
-- once (`used_at`). Rows are removed an hour after they expire. `client` is the address the
-- start came from (for its per-address limit).
CREATE TABLE wechat_sign_ins (
    state TEXT NOT NULL PRIMARY KEY,
    verifier_sha256 TEXT NOT NULL,
    client TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE INDEX wechat_sign_ins_client ON wechat_sign_ins (client, created_at);
CREATE INDEX wechat_sign_ins_expiry ON wechat_sign_ins (expires_at);
