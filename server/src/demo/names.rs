//! What the demo county is made of: people's names, the county's groups, grids and the goods
//! on a village supermarket's shelves, drawn from a seeded random generator so the same seed
//! always gives the same county.

use rand::Rng;
use rand::seq::IndexedRandom;

/// Common surnames of northern Henan, most frequent first (drawn with that weight).
const SURNAMES: [&str; 60] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "田",
    "董", "袁", "潘", "于", "蒋", "蔡", "杜", "程", "苏", "魏", "吕", "丁", "任", "姚", "卢", "姜",
    "崔", "范", "石", "贾", "付", "白", "孟", "秦", "闫", "段", "侯", "史",
];

/// Characters of men's given names common in the generation now living in villages.
const MALE: [&str; 40] = [
    "建", "国", "军", "伟", "强", "磊", "勇", "志", "明", "海", "涛", "刚", "峰", "平", "华", "林",
    "杰", "鹏", "辉", "超", "波", "斌", "文", "东", "新", "春", "金", "保", "德", "福", "长", "永",
    "生", "全", "根", "喜", "成", "学", "庆", "山",
];

/// Characters of women's given names.
const FEMALE: [&str; 32] = [
    "秀", "英", "芳", "兰", "玉", "桂", "凤", "丽", "敏", "静", "霞", "燕", "娟", "萍", "梅", "琴",
    "云", "莲", "珍", "艳", "红", "洁", "婷", "雪", "丹", "慧", "荣", "娥", "花", "香", "菊", "叶",
];

/// A surname, the frequent ones more often (the first ten are half of all draws).
pub fn surname(rng: &mut impl Rng) -> &'static str {
    if rng.random_bool(0.5) {
        SURNAMES[rng.random_range(0..10)]
    } else {
        SURNAMES[rng.random_range(0..SURNAMES.len())]
    }
}

/// A full name: `surname` and one or two given-name characters (two, seven times in ten).
pub fn full_name(rng: &mut impl Rng, surname: &str, female: bool) -> String {
    let pool: &[&str] = if female { &FEMALE } else { &MALE };
    let mut name = String::from(surname);
    name.push_str(pool.choose(rng).expect("a non-empty pool"));
    if rng.random_bool(0.7) {
        name.push_str(pool.choose(rng).expect("a non-empty pool"));
    }
    name
}

/// Someone's full name, of a woman with probability `female`.
pub fn person(rng: &mut impl Rng, female: f64) -> String {
    let surname = surname(rng);
    let female = rng.random_bool(female);
    full_name(rng, surname, female)
}

/// The name of a village's `n`th grid (1-based): 第一网格 … 第六网格.
pub fn grid_name(n: usize) -> String {
    const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    format!("第{}网格", NUMERALS.get(n - 1).copied().unwrap_or("十"))
}

/// A household's size: mostly two to four people, as in the county's registers.
pub fn household_size(rng: &mut impl Rng) -> usize {
    *[1, 2, 2, 3, 3, 3, 4, 4, 4, 5]
        .choose(rng)
        .expect("a non-empty list")
}

/// The county's groups (the tags of the villager register) a person belongs to: 党员 about 8
/// in 100, 村民代表 5, 退役军人 3; `poor_household` adds 脱贫户 (a household's tag, given to each
/// of its members).
pub fn tags(rng: &mut impl Rng, poor_household: bool) -> Vec<&'static str> {
    let mut tags = Vec::new();
    if rng.random_bool(0.08) {
        tags.push("党员");
    }
    if rng.random_bool(0.05) {
        tags.push("村民代表");
    }
    if rng.random_bool(0.03) {
        tags.push("退役军人");
    }
    if poor_household {
        tags.push("脱贫户");
    }
    tags
}

/// One kind of goods on the shelf of a village points supermarket.
#[derive(Debug, Clone, Copy)]
pub struct ShelfItem {
    pub name: &'static str,
    /// Market price in fen (shown crossed out), as in a county-town shop in 2026.
    pub market_price_fen: i64,
    /// Points per unit: about one point per 0.6–0.9 yuan, under the county's ceiling of one point
    /// per 0.1 yuan (`jifen_shared::shop::POINT_VALUE_FEN`).
    pub points_price: i64,
    /// Units one villager may redeem per county month, for the dearest staples.
    pub per_person_limit: Option<i64>,
}

const fn item(name: &'static str, fen: i64, points: i64, limit: Option<i64>) -> ShelfItem {
    ShelfItem {
        name,
        market_price_fen: fen,
        points_price: points,
        per_person_limit: limit,
    }
}

/// The 18 kinds of goods every demo supermarket stocks: daily necessities, the county's own
/// list of what villagers ask for (洗衣粉、食用油、大米…).
pub const SHELF: [ShelfItem; 18] = [
    item("食盐 400克", 300, 5, None),
    item("酱油 500毫升", 850, 10, None),
    item("香醋 500毫升", 650, 8, None),
    item("牙膏 120克", 990, 12, None),
    item("牙刷 2支装", 590, 6, None),
    item("毛巾", 1290, 15, None),
    item("香皂 3块装", 1290, 15, None),
    item("洗衣粉 1.5千克", 1590, 20, None),
    item("洗洁精 1.1千克", 990, 12, None),
    item("卫生纸 10卷", 2590, 30, None),
    item("挂面 1千克", 790, 10, None),
    item("大米 5千克", 3490, 45, Some(2)),
    item("面粉 5千克", 2990, 40, Some(2)),
    item("食用油 5升", 7000, 100, Some(1)),
    item("鸡蛋 30枚", 2400, 30, None),
    item("洗发水 400毫升", 2990, 35, None),
    item("垃圾袋 5卷", 890, 10, None),
    item("暖水瓶", 3990, 50, None),
];
