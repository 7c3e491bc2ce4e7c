-- Staff passwords reset by a higher admin are one-time: the person sets their own at the next
-- sign-in (server/src/auth: reset_password, change_password).
ALTER TABLE people ADD COLUMN password_must_change BIGINT NOT NULL DEFAULT 0 CHECK (password_must_change IN (0, 1));
