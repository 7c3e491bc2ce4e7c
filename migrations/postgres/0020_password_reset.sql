-- Staff passwords reset by a higher admin are one-time: `password_reset_at` (UTC ms) is set
-- while the person's password is the one-time one of a reset, NULL once they set their own
-- (server/src/auth: reset_password, change_password; it expires after 72 hours).
ALTER TABLE people ADD COLUMN password_reset_at BIGINT;
