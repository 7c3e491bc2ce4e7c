#!/usr/bin/env bash
# Starts the real server for the browser journeys: a fresh SQLite database, 长垣市's divisions,
# test villagers and staff accounts loaded, the built PWA from app/dist, SMS codes written to
# the log, WeChat sign-in against the fake WeChat API on port $2 (fake-wechat.mjs).
set -euo pipefail
port="$1"
wechat_port="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${JIFEN_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/jifen}"
# Playwright kills this process when the run ends (no trap would run), so the data lives in
# test-results/ (ignored by git) and is wiped at the next start.
data="$here/test-results/server-data"
rm -rf "$data"
mkdir -p "$data"
export JIFEN_DATA_DIR="$data" JIFEN_BIND="127.0.0.1:$port" JIFEN_WEB_DIR="$root/app/dist" JIFEN_SMS_PROVIDER=log
# Every journey's SMS codes come from 127.0.0.1: the per-address hourly limit (30 by default,
# for villagers behind many addresses) would refuse the last journeys of a run.
export JIFEN_OTP_PER_IP_PER_HOUR=200
export JIFEN_WECHAT_API_BASE="http://127.0.0.1:$wechat_port" JIFEN_WECHAT_APPID=wxe2e0000000000001 \
  JIFEN_PUBLIC_ORIGIN="http://127.0.0.1:$port" \
  JIFEN_WECHAT_SECRET=e2e-secret-0123456789abcdef012345
unset JIFEN_DATABASE_URL JIFEN_CONFIG
"$bin" import-divisions
"$bin" import-villagers "$here/fixtures/villagers.csv"
# Staff (they sign in with SMS codes like anyone registered). One phone per journey: a phone
# gets one code a minute.
#   13700137001 village admin of 留村 (410783101230): imports villagers;
#   13700137002 village admin of 樊东村 (410783101201): creates grids;
#   13700137003 李四, villager of 留村 (fixtures) and township admin of 樊相镇: switches roles;
#   13700137004 village admin of 胡庄村 (410783101203): adds villagers to a grid, appoints a
#               grid worker (刘一, 刘二, 陈三 of the fixtures live there);
#   13700137005 谷寨管理员, village admin of 谷寨村 (410783101204): reviews the points journey's
#               claims (its villagers are imported by that journey through the API).
staff() { "$bin" create-admin --password e2e-password-123 "$@" >/dev/null; }
staff --phone 13700137001 --role village_admin --region 410783101230 --name 留村管理员
staff --phone 13700137002 --role village_admin --region 410783101201 --name 樊东管理员
staff --phone 13700137003 --role township_admin --region 410783101
staff --phone 13700137004 --role village_admin --region 410783101203 --name 胡庄管理员
staff --phone 13700137005 --role village_admin --region 410783101204 --name 谷寨管理员
# The password journey: a village admin of 冯寨村 signs in with a password and changes it;
# the county admin resets it.
staff --phone 13700137006 --role county_admin --region 410783 --name 县管理员
staff --phone 13700137007 --role village_admin --region 410783101202 --name 冯寨管理员
# The rules journey: 留村's admin switches 垃圾分类 off for the village and adds a rule.
staff --phone 13700137008 --role village_admin --region 410783101230 --name 留村主任
# The shop administration journey: the village admin of 上官村 runs its points shop from 管理.
staff --phone 13700137010 --role village_admin --region 410783101211 --name 上官管理员
# The console journey (console.spec.ts): the county admin edits the recycling categories and
# service types; a village admin of 留村 grants and revokes 王五's volunteer role.
staff --phone 13700137020 --role county_admin --region 410783 --name 县管理员二
staff --phone 13700137021 --role village_admin --region 410783101230 --name 留村村干部
# The villager-admin journey: the village admin of 韩寨村 edits, re-numbers and closes villagers.
staff --phone 13700137030 --role village_admin --region 410783101209 --name 韩寨管理员
# The audit journey (audit.spec.ts): 恼里村's admin creates a grid; 恼里镇's admin reads the log.
staff --phone 13700137040 --role village_admin --region 410783102201 --name 恼里村主任
staff --phone 13700137041 --role township_admin --region 410783102 --name 恼里镇纪检员
# The awards journey (awards.spec.ts): 碱场村's admin awards its five villagers (their own
# fixture, so no other journey's counts change) and deducts from two.
"$bin" import-villagers "$here/fixtures/award-villagers.csv"
staff --phone 13700137042 --role village_admin --region 410783102202 --name 碱场村主任
# …and its grid worker (碱五, made one by the journey) awards within limits 13700137043 sets.
staff --phone 13700137043 --role county_admin --region 410783 --name 县评分管理员
# The corrections journey: the village admin of 小屯村 corrects (更正) a grid worker's approval.
staff --phone 13700137050 --role village_admin --region 410783101206 --name 小屯管理员
# The grid worker's 派单 journey (dispatch.spec.ts): 秦庄村's admin makes a grid, its villagers,
# volunteers and grid worker (13700137071, imported by the journey) through the API.
staff --phone 13700137070 --role village_admin --region 410783101208 --name 秦庄管理员
# The settlement journey (settlements.spec.ts): 常村镇's admin pays last month of 常西村's shop,
# whose keeper (a villager the journey imports and appoints) then sees it paid.
"$bin" import-villagers "$here/fixtures/settlement-villagers.csv"
staff --phone 13700137080 --role township_admin --region 410783103 --name 常村镇财政所
staff --phone 13500135931 --role keeper --region 410783103201
# The staff inbox journey (staff-inbox.spec.ts): 高庙村's admin is told of a 差评 and of low
# stock; its grid worker, keeper and villagers (13500135910–13) are made by the journey.
staff --phone 13700137060 --role village_admin --region 410783101222 --name 高庙村主任
# The 代办 journey (proxy.spec.ts): 于庄村's admin prints an elder's member card; the journey
# imports the elder (no phone), her son, a 代办员 and a keeper (13600136501–03).
staff --phone 13700137090 --role village_admin --region 410783101213 --name 于庄村主任
# The log (with the `log` SMS provider's codes) is kept for the login journey to read.
"$bin" serve 2>&1 | tee "$here/test-results/server.log"
