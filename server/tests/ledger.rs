//! The ledger on both databases: transfers, two-phase reservations, idempotency keys, no
//! overdraft under concurrency, and the invariants after every test — plus a property test of
//! random operations, sequential against a model and concurrent against the invariants.

mod common;

use common::TestApp;
use jifen_server::ledger::{self, AccountKind, Balance, LedgerError, NewTransfer};
use jifen_server::storage::Db;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

const TOWNSHIP: &str = "410783101";
const LIUCUN: &str = "410783101230";

/// The township's issuance account and `n` villager accounts of 柳村.
async fn accounts(app: &TestApp, n: usize) -> (i64, Vec<i64>) {
    app.load_changyuan().await;
    let mut csv = "name,phone,village_code\n".to_owned();
    for i in 0..n {
        csv.push_str(&format!("村民{i},1370000{i:04},{LIUCUN}\n"));
    }
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM people ORDER BY id")
        .fetch_all(app.db.reader())
        .await
        .unwrap();
    let mut tx = app.db.begin_write().await.unwrap();
    let issuance = ledger::account(&mut tx, AccountKind::Issuance, TOWNSHIP, None)
        .await
        .unwrap();
    let mut villagers = Vec::new();
    for id in ids {
        villagers.push(
            ledger::account(&mut tx, AccountKind::Villager, LIUCUN, Some(id))
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    (issuance, villagers)
}

fn new(key: &str, debit: i64, credit: i64, amount: i64) -> NewTransfer {
    NewTransfer {
        key: key.into(),
        debit_account_id: debit,
        credit_account_id: credit,
        amount,
        reason: "test".into(),
        reference: Some(format!("test:{key}")),
        actor_id: None,
    }
}

/// One transfer in its own transaction, committed when it succeeds.
async fn transfer(
    db: &Db,
    t: &NewTransfer,
    pending: bool,
) -> Result<(ledger::Transfer, bool), LedgerError> {
    let mut tx = db.begin_write().await?;
    let done = ledger::transfer(&mut tx, t, pending).await?;
    tx.commit().await?;
    Ok(done)
}

async fn settle(
    db: &Db,
    pending_id: i64,
    post: bool,
    key: &str,
) -> Result<(ledger::Transfer, bool), LedgerError> {
    let mut tx = db.begin_write().await?;
    let done = ledger::settle(&mut tx, pending_id, post, key, None).await?;
    tx.commit().await?;
    Ok(done)
}

async fn available(db: &Db, account: i64) -> i64 {
    ledger::balance(db, account)
        .await
        .unwrap()
        .unwrap()
        .available()
}

db_tests! {
    async fn points_enter_from_the_township_and_move_between_villagers(app) {
        let (issuance, v) = accounts(&app, 2).await;
        let (t, fresh) = transfer(&app.db, &new("award:1", issuance, v[0], 100), false).await.unwrap();
        assert!(fresh);
        assert_eq!((t.amount, t.reference.as_deref()), (100, Some("test:award:1")));
        transfer(&app.db, &new("gift:1", v[0], v[1], 30), false).await.unwrap();
        assert_eq!(
            ledger::balance(&app.db, v[0]).await.unwrap().unwrap(),
            Balance { debits_pending: 0, debits_posted: 30, credits_pending: 0, credits_posted: 100 }
        );
        assert_eq!(available(&app.db, v[1]).await, 30);
        assert_eq!(ledger::balance(&app.db, issuance).await.unwrap().unwrap().posted(), -100);
        // Overdraw: refused with what is there; nothing moved.
        match transfer(&app.db, &new("gift:2", v[1], v[0], 31), false).await {
            Err(LedgerError::InsufficientPoints { available: 30, wanted: 31 }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(available(&app.db, v[1]).await, 30);
        for bad in [new("x:1", v[0], v[1], 0), new("x:2", v[0], v[1], -5), new("x:3", v[0], v[0], 5), new("x:4", v[0], 999_999, 5)] {
            assert!(transfer(&app.db, &bad, false).await.is_err(), "{bad:?}");
        }
        common::assert_ledger_balanced(&app.db).await;
    }

    async fn the_same_key_moves_points_once(app) {
        let (issuance, v) = accounts(&app, 1).await;
        let t = new("claim:7:approve", issuance, v[0], 20);
        let (first, fresh) = transfer(&app.db, &t, false).await.unwrap();
        let (again, fresh_again) = transfer(&app.db, &t, false).await.unwrap();
        assert_eq!((fresh, fresh_again, first.id), (true, false, again.id));
        assert!(matches!(transfer(&app.db, &new("claim:7:approve", issuance, v[0], 21), false).await, Err(LedgerError::KeyConflict(_))));
        // Twenty at once with one new key: one effect.
        let t = new("claim:8:approve", issuance, v[0], 5);
        let results = futures_util::future::join_all((0..20).map(|_| transfer(&app.db, &t, false))).await;
        let fresh: usize = results.iter().filter(|r| matches!(r, Ok((_, true)))).count();
        let replays: usize = results.iter().filter(|r| matches!(r, Ok((_, false)))).count();
        assert_eq!((fresh, replays), (1, 19), "{results:?}");
        assert_eq!(available(&app.db, v[0]).await, 25);
        common::assert_ledger_balanced(&app.db).await;
    }

    async fn thirty_parallel_reservations_of_80_from_100_leave_exactly_20(app) {
        let (issuance, v) = accounts(&app, 2).await;
        transfer(&app.db, &new("award:1", issuance, v[0], 100), false).await.unwrap();
        let attempts: Vec<NewTransfer> = (0..30).map(|i| new(&format!("redeem:{i}"), v[0], v[1], 80)).collect();
        let results = futures_util::future::join_all(attempts.iter().map(|t| transfer(&app.db, t, true))).await;
        let reserved: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        let refused = results.iter().filter(|r| matches!(r, Err(LedgerError::InsufficientPoints { .. }))).count();
        assert_eq!((reserved.len(), refused), (1, 29), "{results:?}");
        let balance = ledger::balance(&app.db, v[0]).await.unwrap().unwrap();
        assert_eq!((balance.available(), balance.posted(), balance.debits_pending), (20, 100, 80));
        assert_eq!(ledger::balance(&app.db, v[1]).await.unwrap().unwrap().credits_pending, 80);
        common::assert_ledger_balanced(&app.db).await;
    }

    async fn a_reservation_is_posted_or_voided_exactly_once(app) {
        let (issuance, v) = accounts(&app, 2).await;
        transfer(&app.db, &new("award:1", issuance, v[0], 100), false).await.unwrap();
        let (hold, _) = transfer(&app.db, &new("redeem:1", v[0], v[1], 60), true).await.unwrap();
        // Two keepers fulfil at once and the villager cancels at the same moment: one wins.
        let (a, b, c) = tokio::join!(
            settle(&app.db, hold.id, true, "redeem:1:fulfil:a"),
            settle(&app.db, hold.id, true, "redeem:1:fulfil:b"),
            settle(&app.db, hold.id, false, "redeem:1:cancel"),
        );
        let wins = [&a, &b, &c].iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{a:?} {b:?} {c:?}");
        for r in [&a, &b, &c] {
            assert!(matches!(r, Ok(_) | Err(LedgerError::AlreadySettled { .. })), "{r:?}");
        }
        let posted = a.is_ok() || b.is_ok();
        let v0 = ledger::balance(&app.db, v[0]).await.unwrap().unwrap();
        let v1 = ledger::balance(&app.db, v[1]).await.unwrap().unwrap();
        if posted {
            assert_eq!((v0.available(), v0.debits_pending, v1.posted()), (40, 0, 60));
        } else {
            assert_eq!((v0.available(), v0.debits_pending, v1.posted()), (100, 0, 0));
        }
        // The winner's key again: the same answer; a post of a non-pending transfer: refused.
        let (key, post) = match (&a, &b) {
            (Ok(_), _) => ("redeem:1:fulfil:a", true),
            (_, Ok(_)) => ("redeem:1:fulfil:b", true),
            _ => ("redeem:1:cancel", false),
        };
        assert!(matches!(settle(&app.db, hold.id, post, key).await, Ok((_, false))));
        let (single, _) = transfer(&app.db, &new("award:2", issuance, v[0], 1), false).await.unwrap();
        assert!(matches!(settle(&app.db, single.id, true, "award:2:post").await, Err(LedgerError::NotPending(_))));
        assert!(matches!(settle(&app.db, 999_999, true, "nothing:post").await, Err(LedgerError::NotPending(_))));
        common::assert_ledger_balanced(&app.db).await;
    }

    async fn a_refused_transfer_leaves_nothing_behind_in_the_transaction(app) {
        let (issuance, v) = accounts(&app, 2).await;
        transfer(&app.db, &new("award:1", issuance, v[1], 10), false).await.unwrap();
        // v[1] pays v[0] (the credit account has the lower id, so it is updated first).
        let mut tx = app.db.begin_write().await.unwrap();
        let refused = ledger::transfer(&mut tx, &new("pay:1", v[1], v[0], 11), false).await;
        assert!(matches!(refused, Err(LedgerError::InsufficientPoints { available: 10, wanted: 11 })), "{refused:?}");
        let (paid, _) = ledger::transfer(&mut tx, &new("pay:1", v[1], v[0], 10), false).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(paid.amount, 10);
        assert_eq!((available(&app.db, v[0]).await, available(&app.db, v[1]).await), (10, 0));
        common::assert_ledger_balanced(&app.db).await;
    }

    async fn a_voided_reservation_gives_the_points_back(app) {
        let (issuance, v) = accounts(&app, 2).await;
        transfer(&app.db, &new("award:1", issuance, v[0], 50), false).await.unwrap();
        let (hold, _) = transfer(&app.db, &new("redeem:1", v[0], v[1], 50), true).await.unwrap();
        assert_eq!(available(&app.db, v[0]).await, 0);
        assert!(matches!(transfer(&app.db, &new("redeem:2", v[0], v[1], 1), true).await, Err(LedgerError::InsufficientPoints { available: 0, .. })));
        settle(&app.db, hold.id, false, "redeem:1:expire").await.unwrap();
        assert_eq!(available(&app.db, v[0]).await, 50);
        assert_eq!(ledger::balance(&app.db, v[1]).await.unwrap().unwrap(), Balance::default());
        common::assert_ledger_balanced(&app.db).await;
    }
}

/// A random ledger operation over a small set of accounts (0 is the issuance account).
#[derive(Debug, Clone)]
enum Op {
    Transfer {
        from: usize,
        to: usize,
        amount: i64,
        pending: bool,
    },
    Settle {
        pending: usize,
        post: bool,
    },
    Replay {
        op: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..4, 0usize..4, 1i64..60, any::<bool>()).prop_map(|(from, to, amount, pending)| Op::Transfer { from, to, amount, pending }),
        2 => (0usize..32, any::<bool>()).prop_map(|(pending, post)| Op::Settle { pending, post }),
        1 => (0usize..64).prop_map(|op| Op::Replay { op }),
    ]
}

/// Runs `ops` against the real ledger and, when sequential, a model of the available
/// balances; checks the invariants at the end.
async fn run(db: &Db, accounts: &[i64], ops: &[Op], concurrent: bool, round: usize) {
    let keys: Vec<String> = (0..ops.len()).map(|i| format!("p{round}:{i}")).collect();
    // The pending transfers made so far (their ids), in order.
    let mut pendings: Vec<(i64, usize, usize, i64)> = Vec::new();
    // Available balances, from where earlier rounds left them.
    let mut model: Vec<i64> = Vec::new();
    for &account in accounts {
        model.push(available(db, account).await);
    }
    let execute = |i: usize, op: Op, pendings: Vec<(i64, usize, usize, i64)>| {
        let key = keys[i].clone();
        let replay_key = |j: usize| keys[j % keys.len()].clone();
        async move {
            match op {
                Op::Transfer {
                    from,
                    to,
                    amount,
                    pending,
                } => {
                    let t = new(&key, accounts[from], accounts[to], amount);
                    transfer(db, &t, pending)
                        .await
                        .map(|(t, fresh)| (Some((t, from, to)), fresh))
                }
                Op::Settle { pending, post } => match pendings.get(pending) {
                    Some(&(id, ..)) => settle(db, id, post, &key)
                        .await
                        .map(|(_, fresh)| (None, fresh)),
                    None => Ok((None, false)),
                },
                // The same key again with other terms (a conflict) or, by chance, the same.
                Op::Replay { op } => {
                    let t = new(&replay_key(op), accounts[0], accounts[1], 1);
                    match transfer(db, &t, false).await {
                        Err(LedgerError::KeyConflict(_)) => Ok((None, false)),
                        other => other.map(|(t, fresh)| (Some((t, 0, 1)), fresh)),
                    }
                }
            }
        }
    };
    if concurrent {
        for (start, chunk) in ops.chunks(8).enumerate() {
            let snapshot = pendings.clone();
            let results = futures_util::future::join_all(
                chunk
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(j, op)| execute(start * 8 + j, op, snapshot.clone())),
            )
            .await;
            for r in results.into_iter().flatten() {
                if let (Some((t, from, to)), true) = r
                    && t.phase == ledger::Phase::Pending
                {
                    pendings.push((t.id, from, to, t.amount));
                }
            }
        }
    } else {
        for (i, op) in ops.iter().cloned().enumerate() {
            let before = model.clone();
            let result = execute(i, op.clone(), pendings.clone()).await;
            match (&op, &result) {
                (_, Ok((Some((t, from, to)), true))) => {
                    let (from, to, amount) = (*from, *to, t.amount);
                    let pending = t.phase == ledger::Phase::Pending;
                    assert!(
                        from == 0 || before[from] >= amount,
                        "overdraft allowed: {op:?} {before:?}"
                    );
                    model[from] -= amount;
                    if pending {
                        pendings.push((t.id, from, to, amount));
                    } else {
                        model[to] += amount;
                    }
                }
                (
                    Op::Transfer { from, amount, .. },
                    Err(LedgerError::InsufficientPoints { available, .. }),
                ) => {
                    assert!(
                        *from != 0 && before[*from] < *amount && before[*from] == *available,
                        "{op:?} {before:?}"
                    );
                }
                (Op::Transfer { from, to, .. }, Err(LedgerError::SameAccount)) => {
                    assert_eq!(from, to)
                }
                (Op::Settle { pending, post }, Ok((_, true))) => {
                    let (_, from, to, amount) = pendings[*pending];
                    if *post {
                        model[to] += amount
                    } else {
                        model[from] += amount
                    }
                }
                // Replays and conflicts change nothing; so does settling a settled transfer.
                (_, Ok((_, false)))
                | (_, Err(LedgerError::KeyConflict(_) | LedgerError::AlreadySettled { .. })) => {}
                (op, result) => panic!("unexpected {result:?} for {op:?}"),
            }
            // The model's available balances are the ledger's (the issuance account is free
            // to go negative).
            for (k, &account) in accounts.iter().enumerate().skip(1) {
                assert_eq!(
                    available(db, account).await,
                    model[k],
                    "account {k} after {op:?}"
                );
            }
        }
    }
    common::assert_ledger_balanced(db).await;
}

/// Random operations in rounds on one database: half sequential (checked against the model),
/// half in concurrent batches of eight (checked against the invariants).
async fn property(backend: common::Backend) {
    let Some(app) = common::spawn_app(backend).await else {
        return;
    };
    let (issuance, villagers) = accounts(&app, 3).await;
    let accounts: Vec<i64> = std::iter::once(issuance).chain(villagers).collect();
    // About 3,500 operations on SQLite and 2,300 on PostgreSQL.
    let rounds = if backend == common::Backend::Sqlite {
        60
    } else {
        40
    };
    // Deterministic, so a failure can be run again as it happened.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec(op(), 40..80);
    for round in 0..rounds as usize {
        let ops = strategy.new_tree(&mut runner).unwrap().current();
        run(&app.db, &accounts, &ops, round % 2 == 1, round).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_operations_keep_the_invariants_sqlite() {
    property(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_operations_keep_the_invariants_postgres() {
    property(common::Backend::Postgres).await;
}
