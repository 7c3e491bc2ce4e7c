// A local stand-in for WeChat's web authorisation (公众号网页授权) for the browser journeys,
// following WeChat's documented behaviour (the Rust tests have the same fake in
// server/tests/common/fake_wechat.rs):
//   GET /connect/oauth2/authorize?appid&redirect_uri&response_type=code&scope&state
//       plays WeChat's authorisation page (open.weixin.qq.com; the journeys route that host
//       here): issues a code for the openid given in the extra `openid` parameter and
//       redirects to redirect_uri?code=CODE&state=STATE;
//   GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code
//       answers {access_token, expires_in, refresh_token, openid, scope, unionid}, or
//       {errcode, errmsg}: 40013 invalid appid, 40125 invalid appsecret, 40029 invalid code
//       (unknown, or older than 5 minutes), 40163 code been used — as text/plain, like WeChat.
//   GET /healthz for Playwright's start-up check.
import http from "node:http";
import crypto from "node:crypto";

const port = Number(process.argv[2] ?? 18766);
const APPID = process.env.JIFEN_WECHAT_APPID ?? "wxe2e0000000000001";
const SECRET = process.env.JIFEN_WECHAT_SECRET ?? "e2e-secret-0123456789abcdef012345";
const CODE_TTL_MS = 5 * 60 * 1000;
const codes = new Map(); // code → {openid, issuedAt, used}

function answer(res, body) {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end(JSON.stringify(body));
}

function error(res, errcode, errmsg) {
  answer(res, { errcode, errmsg: `${errmsg}, rid: ${crypto.randomUUID()}` });
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${port}`);
    const q = url.searchParams;
    if (url.pathname === "/healthz") {
      res.end("ok");
    } else if (url.pathname === "/connect/oauth2/authorize") {
      if (q.get("appid") !== APPID || q.get("response_type") !== "code" || !q.get("redirect_uri")) {
        res.writeHead(400).end("bad authorize request");
        return;
      }
      const code = crypto.randomBytes(16).toString("hex");
      codes.set(code, { openid: q.get("openid") ?? "oE2EDefaultOpenId000000000", issuedAt: Date.now(), used: false });
      const back = new URL(q.get("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      res.writeHead(302, { location: back.toString() }).end();
    } else if (url.pathname === "/sns/oauth2/access_token") {
      if (q.get("appid") !== APPID) return error(res, 40013, "invalid appid");
      if (q.get("secret") !== SECRET) return error(res, 40125, "invalid appsecret");
      if (q.get("grant_type") !== "authorization_code") return error(res, 40002, "invalid grant_type");
      const found = codes.get(q.get("code") ?? "");
      if (!found || Date.now() - found.issuedAt > CODE_TTL_MS) return error(res, 40029, "invalid code");
      if (found.used) return error(res, 40163, "code been used");
      found.used = true;
      answer(res, {
        access_token: `ACCESS_${crypto.randomUUID()}`,
        expires_in: 7200,
        refresh_token: `REFRESH_${crypto.randomUUID()}`,
        openid: found.openid,
        scope: q.get("scope") ?? "snsapi_base",
        unionid: `union-${found.openid}`,
      });
    } else {
      res.writeHead(404).end();
    }
  })
  .listen(port, "127.0.0.1");
