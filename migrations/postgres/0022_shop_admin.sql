-- Shop administration (the issue "The operators' console, part 1"): a shop can be closed and
-- reopened (closed_at NULL: open). A closed shop is not listed to villagers and takes no new
-- reservations; reservations already made are still handed over, cancelled or lapse as
-- before, so no points are stranded. Goods get a low-stock threshold (NULL: none): active
-- goods whose stock is at or below it are on the admin's low-stock list.
ALTER TABLE shops ADD COLUMN closed_at BIGINT;

ALTER TABLE shop_goods ADD COLUMN low_stock_threshold BIGINT
    CHECK (low_stock_threshold IS NULL OR low_stock_threshold >= 0);
