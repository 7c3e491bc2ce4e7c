//! The shop's reports: the keeper's day at the counter (今日汇总, `GET /shop/{id}/today`) and
//! the monthly statements the township reimburses shops by (结算单,
//! `GET /shop/settlements?month=YYYY-MM`), as JSON, CSV or XLSX.
//!
//! Both count in the county's calendar ([`crate::calendar`]): a redemption belongs to the
//! day and month it was handed over (`settled_at`), at the prices of its reservation; its
//! goods are named as they are named now. The market value (in fen) is what the township
//! pays the shop: the county's 政府买单.
//!
//! Who sees what: a shop's keepers and the admins of its region
//! ([`crate::policy::Action::ManageShops`]) see its day; the statements list every shop the
//! caller keeps or manages (a township admin: all shops of the township).

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;
use jifen_shared::recycling::DaySummary;
use jifen_shared::regions::RegionCode;
use jifen_shared::shop::{Settlements, ShopSettlement};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::storage::{self, ShopRow};
use crate::calendar::Calendar;
use crate::csv_output::inert;
use crate::policy::{self, Action};
use crate::storage::Db;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("month: YYYY-MM, e.g. 2026-11")]
    Month,
    #[error("no shop {0}")]
    NoSuchShop(i64),
    #[error("you neither keep nor manage shop {0}")]
    NotYours(i64),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for ReportError {
    fn code(&self) -> ErrorCode {
        match self {
            ReportError::Month => ErrorCode::InvalidInput,
            ReportError::NoSuchShop(_) => ErrorCode::NotFound,
            ReportError::NotYours(_) => ErrorCode::Forbidden,
            ReportError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            ReportError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

fn manages(grants: &[RoleGrant], shop: &ShopRow) -> bool {
    RegionCode::parse(&shop.region_code).is_ok_and(|r| policy::may(grants, Action::ManageShops, &r))
}

/// Whether the caller keeps `shop`: appointed to it (`kept`) and still holding the keeper
/// role over its region (a keeper whose role was revoked reads nothing).
fn keeps(kept: &[i64], grants: &[RoleGrant], shop: &ShopRow) -> bool {
    kept.contains(&shop.id) && super::keeper_role_over(grants, &shop.region_code)
}

/// The shop's day so far (`now` in the county's calendar).
///
/// Errors: [`ReportError::NoSuchShop`], [`ReportError::NotYours`].
pub async fn day(
    db: &Db,
    calendar: &Calendar,
    person_id: i64,
    grants: &[RoleGrant],
    shop_id: i64,
    now: i64,
) -> Result<DaySummary, ReportError> {
    let shop = storage::shop(db.reader(), shop_id)
        .await?
        .ok_or(ReportError::NoSuchShop(shop_id))?;
    let kept = storage::kept_by(db, person_id).await?;
    if !keeps(&kept, grants, &shop) && !manages(grants, &shop) {
        return Err(ReportError::NotYours(shop_id));
    }
    let today = calendar.day(now);
    let handed = storage::Handed::All {
        shop_id,
        from: today.start,
        to: today.end,
    };
    let (redemptions, points_collected, _) =
        storage::handed_totals(db.reader(), handed, today.start).await?;
    let (dropoffs, points_credited) =
        crate::recycling::storage::totals_in(db.reader(), shop_id, today).await?;
    Ok(DaySummary {
        shop_id,
        date: calendar.date_label(now),
        redemptions,
        points_collected,
        goods: storage::handed_goods(db.reader(), handed).await?,
        dropoffs,
        points_credited,
        recycling: crate::recycling::storage::weights_in(db.reader(), shop_id, today).await?,
    })
}

/// The statements of `month` (`YYYY-MM`) for every shop the caller keeps or manages, by
/// shop id, as of `now`: paid or what is due so far ([`super::payments`]); shops with nothing
/// handed over are listed with zeros.
///
/// Errors: [`ReportError::Month`].
pub async fn settlements(
    db: &Db,
    calendar: &Calendar,
    (person_id, grants): (i64, &[RoleGrant]),
    month: &str,
    now: i64,
) -> Result<Settlements, ReportError> {
    let period = calendar.parse_month(month).ok_or(ReportError::Month)?;
    let kept = storage::kept_by(db, person_id).await?;
    let shops: Vec<ShopRow> = storage::all_shops(db)
        .await?
        .into_iter()
        .filter(|s| keeps(&kept, grants, s) || manages(grants, s))
        .collect();
    let codes: Vec<String> = shops.iter().map(|s| s.region_code.clone()).collect();
    let regions = crate::regions::storage::find_many(db, &codes).await?;
    let shops = shops
        .into_iter()
        .map(|shop| {
            let name = regions
                .iter()
                .find(|r| r.code == shop.region_code)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            let payer = super::payments::may_pay(grants, &shop);
            (shop, name, payer)
        })
        .collect();
    Ok(Settlements {
        month: month.to_owned(),
        shops: super::payments::statements(db, calendar, shops, (month, period), now).await?,
    })
}

/// Fen as yuan with two decimals (`1250` → `12.50`).
pub(crate) fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The header of the statement's table (zh-CN first, as the township's finance office reads
/// it).
const HEADER: [&str; 11] = [
    "月份 Month",
    "超市 Shop",
    "区划代码 Region code",
    "区划 Region",
    "商品 Goods",
    "数量 Quantity",
    "积分 Points",
    "市场价值（元）Market value (CNY)",
    "状态 Status",
    "付款凭证 Payment reference",
    "付款日期 Paid on",
];

/// A shop's payment columns: status, reference, date.
fn paid_cells(shop: &ShopSettlement) -> [String; 3] {
    match &shop.payment {
        Some(p) => ["已付款 Paid".into(), p.reference.clone(), p.paid_on.clone()],
        None => ["未付款 Unpaid".into(), String::new(), String::new()],
    }
}

/// The rows of the table: one per shop and goods, then the shop's total (商品 `合计`, with
/// the number of redemptions as its quantity).
fn rows(s: &Settlements) -> Vec<[String; 11]> {
    let mut rows = Vec::new();
    for shop in &s.shops {
        let [status, reference, paid_on] = paid_cells(shop);
        let row = |goods: &str, qty: i64, points: i64, fen: i64| {
            [
                s.month.clone(),
                shop.shop_name.clone(),
                shop.region_code.clone(),
                shop.region_name.clone(),
                goods.to_owned(),
                qty.to_string(),
                points.to_string(),
                yuan(fen),
                status.clone(),
                reference.clone(),
                paid_on.clone(),
            ]
        };
        for g in &shop.goods {
            rows.push(row(&g.name, g.qty, g.points, g.market_value_fen));
        }
        rows.push(row(
            &format!("合计（{} 笔兑换）Total", shop.redemptions),
            shop.goods.iter().map(|g| g.qty).sum(),
            shop.points,
            shop.market_value_fen,
        ));
    }
    rows
}

/// The statements as CSV ([`crate::csv_output`]: a byte-order mark, text cells made inert).
pub fn to_csv(s: &Settlements) -> Result<Vec<u8>, csv::Error> {
    let mut w = crate::csv_output::writer();
    w.write_record(HEADER)?;
    for row in rows(s) {
        let [
            month,
            shop,
            code,
            region,
            goods,
            qty,
            points,
            value,
            status,
            reference,
            paid_on,
        ] = row;
        w.write_record([
            month,
            inert(&shop),
            code,
            inert(&region),
            inert(&goods),
            qty,
            points,
            value,
            status,
            inert(&reference),
            paid_on,
        ])?;
    }
    crate::csv_output::finish(w)
}

/// The statements as an Excel workbook: one sheet, numbers as numbers (yuan with two
/// decimals), the header frozen, totals in bold.
pub fn to_xlsx(s: &Settlements) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(format!("结算单 {}", s.month))?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let bold_money = Format::new().set_bold().set_num_format("0.00");
    for (col, title) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    let mut r = 1u32;
    for shop in &s.shops {
        let paid = paid_cells(shop);
        let lines = shop
            .goods
            .iter()
            .map(|g| (g.name.clone(), g.qty, g.points, g.market_value_fen, false))
            .chain(std::iter::once((
                format!("合计（{} 笔兑换）Total", shop.redemptions),
                shop.goods.iter().map(|g| g.qty).sum(),
                shop.points,
                shop.market_value_fen,
                true,
            )));
        for (goods, qty, points, fen, total) in lines {
            let text = if total { &bold } else { &Format::new() };
            sheet.write_string_with_format(r, 0, &s.month, text)?;
            sheet.write_string_with_format(r, 1, &shop.shop_name, text)?;
            sheet.write_string_with_format(r, 2, &shop.region_code, text)?;
            sheet.write_string_with_format(r, 3, &shop.region_name, text)?;
            sheet.write_string_with_format(r, 4, &goods, text)?;
            sheet.write_number_with_format(r, 5, qty as f64, text)?;
            sheet.write_number_with_format(r, 6, points as f64, text)?;
            let money = if total { &bold_money } else { &money };
            sheet.write_number_with_format(r, 7, fen as f64 / 100.0, money)?;
            for (col, cell) in (8u16..).zip(&paid) {
                sheet.write_string_with_format(r, col, cell, text)?;
            }
            r += 1;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jifen_shared::shop::GoodsCount;

    fn sample() -> Settlements {
        Settlements {
            month: "2026-11".into(),
            shops: vec![ShopSettlement {
                shop_id: 1,
                shop_name: "谷寨村积分超市".into(),
                region_code: "410783101204".into(),
                region_name: "谷寨村委会".into(),
                redemptions: 3,
                points: 120,
                market_value_fen: 2450,
                late_redemptions: 0,
                payment: Some(jifen_shared::shop::ShopPayment {
                    reference: "ZF-2026-1201".into(),
                    paid_on: "2026-12-03".into(),
                    paid_by_name: "樊相镇".into(),
                    recorded_at: "2026-12-03T02:00:00Z".into(),
                }),
                unpaid_points: 0,
                may_pay: false,
                unpaid_before: None,
                goods: vec![
                    GoodsCount {
                        goods_id: 1,
                        name: "食用盐".into(),
                        qty: 2,
                        points: 20,
                        market_value_fen: 450,
                    },
                    GoodsCount {
                        goods_id: 2,
                        name: "洗衣粉, 大袋".into(),
                        qty: 1,
                        points: 100,
                        market_value_fen: 2000,
                    },
                ],
            }],
        }
    }

    #[test]
    fn csv_has_a_bom_a_header_lines_and_a_total() {
        let bytes = to_csv(&sample()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[1],
            "2026-11,谷寨村积分超市,410783101204,谷寨村委会,食用盐,2,20,4.50,已付款 Paid,ZF-2026-1201,2026-12-03"
        );
        assert_eq!(
            lines[2],
            "2026-11,谷寨村积分超市,410783101204,谷寨村委会,\"洗衣粉, 大袋\",1,100,20.00,已付款 Paid,ZF-2026-1201,2026-12-03"
        );
        assert_eq!(
            lines[3],
            "2026-11,谷寨村积分超市,410783101204,谷寨村委会,合计（3 笔兑换）Total,3,120,24.50,已付款 Paid,ZF-2026-1201,2026-12-03"
        );
    }

    #[test]
    fn csv_cells_never_run_as_formulas() {
        let mut s = sample();
        s.shops[0].goods[0].name = "=HYPERLINK(\"http://x\")".into();
        let bytes = to_csv(&s).unwrap();
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(
            text.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
            "{text}"
        );
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = to_xlsx(&sample()).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
    }
}
