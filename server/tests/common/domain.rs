//! What the people of a village do, as typed calls: each helper sends one declared endpoint
//! (`jifen_shared::api`) as the person of a token and answers the declared response, or the
//! refusal ([`Refused`]: status and stable code). Tests read as the domain —
//! `app.reserve(&villager, shop, &[(oil, 1)])`, `app.fulfil(&keeper, id)` — and assert on the
//! shared types; what a form would never send still goes through `TestApp::call`.

use jifen_server::client::Refused;
use jifen_shared::ErrorCode;
use jifen_shared::api;
use jifen_shared::points::{AwardRequest, AwardResult, PointsBalance};
use jifen_shared::recycling::{Dropoff, NewDropoff};
use jifen_shared::shop::{NewRedemption, Redemption, RedemptionLine, ScanRequest};

use super::TestApp;

impl TestApp {
    /// Awards (positive) or deducts (negative) `points` to `user_ids` for `reason`, as the
    /// admin of `token` (`POST /admin/awards`).
    pub async fn award(
        &self,
        token: &str,
        user_ids: &[i64],
        points: i64,
        reason: &str,
    ) -> Result<AwardResult, Refused> {
        let request = AwardRequest {
            user_ids: user_ids.to_vec(),
            rule_id: None,
            points: Some(points),
            reason: reason.into(),
        };
        self.send(&api::Award, token, &request).await
    }

    /// Reserves `(goods id, quantity)` lines at `shop` as the villager of `token`
    /// (`POST /redemptions`). The lines are read at once, so a temporary list will do.
    pub fn reserve<'a>(
        &'a self,
        token: &'a str,
        shop: i64,
        lines: &[(i64, i64)],
    ) -> impl Future<Output = Result<Redemption, Refused>> + use<'a> {
        let items = lines
            .iter()
            .map(|&(goods_id, qty)| RedemptionLine {
                goods_id,
                qty,
                seen_points: None,
            })
            .collect();
        let request = NewRedemption {
            shop_id: shop,
            items,
        };
        async move { self.send(&api::Reserve, token, &request).await }
    }

    /// Previews a redemption at the counter by its QR token, as the keeper of `token`
    /// (`POST /shop/scan`).
    pub async fn scan_token(&self, token: &str, qr_token: &str) -> Result<Redemption, Refused> {
        let request = ScanRequest {
            qr_token: Some(qr_token.into()),
            ..ScanRequest::default()
        };
        self.send(&api::Scan, token, &request).await
    }

    /// Previews a redemption at the counter by its short code typed in, as the keeper of
    /// `token` (`POST /shop/scan`).
    pub async fn scan_code(&self, token: &str, short_code: &str) -> Result<Redemption, Refused> {
        let request = ScanRequest {
            short_code: Some(short_code.into()),
            ..ScanRequest::default()
        };
        self.send(&api::Scan, token, &request).await
    }

    /// Hands redemption `id` over, as the keeper of `token`
    /// (`POST /shop/redemptions/{id}/fulfil`).
    pub async fn fulfil(&self, token: &str, id: i64) -> Result<Redemption, Refused> {
        self.send(&api::FulfilRedemption { id }, token, &()).await
    }

    /// Cancels redemption `id`, as the villager of `token` (`POST /redemptions/{id}/cancel`).
    pub async fn cancel_redemption(&self, token: &str, id: i64) -> Result<Redemption, Refused> {
        self.send(&api::CancelRedemption { id }, token, &()).await
    }

    /// Records a drop-off weighed at the counter, as the keeper of `token`, with a fresh
    /// Idempotency-Key (`POST /shop/recycling` requires one).
    pub async fn drop_off(&self, token: &str, request: &NewDropoff) -> Result<Dropoff, Refused> {
        static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let key = KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.request(&api::DropOff)
            .token(token)
            .idempotency_key(&format!("drop-off-{key}"))
            .body(request)
            .send()
            .await
            .expect("request")
            .decode()
    }

    /// The balance of the person of `token` (`GET /points/balance`).
    pub async fn balance(&self, token: &str) -> PointsBalance {
        self.send(&api::GetBalance, token, &())
            .await
            .expect("a balance")
    }

    /// The stock of `goods` as the shop's public list shows it (`GET /shops/{id}/goods`).
    pub async fn stock(&self, shop: i64, goods: i64) -> i64 {
        let (status, list) = self.fetch(&api::ListGoods { id: shop }, None).await;
        assert_eq!(status, 200, "{list}");
        let list: Vec<jifen_shared::shop::Goods> = serde_json::from_value(list).unwrap();
        list.iter().find(|g| g.id == goods).expect("listed").stock
    }
}

/// The status and code of a refusal, `None` for a success: for
/// `assert_eq!(refusal(&answer), Some((409, ErrorCode::OutOfStock)))`.
pub fn refusal<T>(answer: &Result<T, Refused>) -> Option<(u16, ErrorCode)> {
    match answer {
        Ok(_) => None,
        Err(r) => Some((r.status, r.code.expect("an API error body"))),
    }
}
