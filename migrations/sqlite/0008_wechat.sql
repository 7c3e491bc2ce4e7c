-- WeChat Official Account sign-in (公众号网页授权): which WeChat user (openid, per appid) is
-- which person. One WeChat account per person and appid; binding again replaces the old one.
CREATE TABLE wechat_bindings (
    appid      TEXT   NOT NULL,
    openid     TEXT   NOT NULL,
    unionid    TEXT,
    person_id  BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (appid, openid)
);

CREATE UNIQUE INDEX wechat_bindings_person ON wechat_bindings (appid, person_id);
