/** Chat and messaging: Slack, Discord and Telegram bots, Twilio (SID + secret pairs), SendGrid, Mailgun, Mailchimp, Postmark, Intercom, Brevo, SparkPost, Webex, Klaviyo. */
import { basic, clean, field, interpretSimple, parseJson, simpleVerifier, type Verifier } from "../verifier.js";

const SLACK_REJECTED = new Set(["invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"]);

export const messagingVerifiers: Verifier[] = [
  simpleVerifier({
    id: "slack",
    provider: "Slack",
    docs: "https://api.slack.com/methods/auth.test",
    base: "https://slack.com",
    path: "/api/auth.test",
    method: "POST",
    auth: { kind: "bearer" },
    headers: { "content-type": "application/x-www-form-urlencoded" },
    // Slack answers 200 either way; the verdict is in "ok" / "error".
    check: (json, answer) => {
      if (answer.status !== 200 || json === undefined) return undefined;
      const ok = (json as { ok?: unknown }).ok;
      if (typeof ok !== "boolean") return { status: "error", detail: "Slack answered 200 without an ok field (malformed body)" };
      if (ok)
        return {
          status: "live",
          detail: clean(`Slack accepted it (${field(json, "team") ?? "?"} / ${field(json, "user") ?? "?"})`),
        };
      const error = field(json, "error") ?? "unknown error";
      return SLACK_REJECTED.has(error)
        ? { status: "invalid", detail: `Slack rejected it (${error})` }
        : { status: "unknown", detail: clean(`Slack answered ok: false (${error})`) };
    },
  }),
  simpleVerifier({
    id: "discord-bot",
    provider: "Discord",
    docs: "https://discord.com/developers/docs/resources/user#get-current-user",
    base: "https://discord.com",
    path: "/api/v10/users/@me",
    auth: { kind: "header", name: "authorization", prefix: "Bot " },
    identity: ["username"],
  }),
  {
    id: "telegram-bot",
    provider: "Telegram",
    docs: "https://core.telegram.org/bots/api#getme",
    base: "https://api.telegram.org",
    // The Bot API takes the token in the path; the HTTP layer never prints paths.
    request: (ctx) => ({ method: "GET", url: `${ctx.base}/bot${ctx.secret}/getMe` }),
    interpret: (answer) => {
      const json = parseJson(answer.body) as { ok?: unknown } | undefined;
      if (answer.status === 200 && json?.ok === true)
        return { status: "live", detail: clean(`Telegram accepted it (@${field(json, "result.username") ?? "?"})`) };
      if (answer.status === 200) return { status: "error", detail: "Telegram answered 200 without ok: true (malformed body)" };
      return interpretSimple({ provider: "Telegram", invalidStatuses: [401, 404] }, answer);
    },
  },
  {
    id: "twilio",
    provider: "Twilio",
    docs: "https://www.twilio.com/docs/usage/api/account#fetch-an-account-resource",
    base: "https://api.twilio.com",
    companions: [{ name: "accountSid", regex: /\b(AC[0-9a-f]{32})\b/, withinLines: 5, required: true }],
    request: (ctx) => {
      const sid = ctx.companions.accountSid as string;
      return { method: "GET", url: `${ctx.base}/2010-04-01/Accounts/${sid}.json`, headers: basic(sid, ctx.secret) };
    },
    interpret: (answer) => interpretSimple({ provider: "Twilio", identity: ["friendly_name"] }, answer),
  },
  {
    // An API key (SK…) authenticates with its own SID as the user name; any account resource proves it.
    id: "twilio-api-key",
    provider: "Twilio",
    docs: "https://www.twilio.com/docs/iam/api-keys#authenticate-with-api-keys",
    base: "https://api.twilio.com",
    companions: [{ name: "apiKeySid", regex: /\b(SK[0-9a-f]{32})\b/, withinLines: 5, required: true }],
    request: (ctx) => ({
      method: "GET",
      url: `${ctx.base}/2010-04-01/Accounts.json?PageSize=1`,
      headers: basic(ctx.companions.apiKeySid as string, ctx.secret),
    }),
    interpret: (answer) => interpretSimple({ provider: "Twilio" }, answer),
  },
  simpleVerifier({
    id: "sendgrid",
    provider: "SendGrid",
    docs: "https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access",
    base: "https://api.sendgrid.com",
    path: "/v3/scopes",
    auth: { kind: "bearer" },
    forbiddenIsLive: true,
  }),
  simpleVerifier({
    id: "mailgun",
    provider: "Mailgun",
    docs: "https://documentation.mailgun.com/docs/mailgun/api-reference/openapi-final/tag/Domains/",
    base: "https://api.mailgun.net",
    path: "/v3/domains?limit=1",
    auth: { kind: "basic", user: "api" },
    forbiddenIsLive: true,
  }),
  {
    // The data centre is the key's suffix (…-us6 → us6.api.mailchimp.com).
    id: "mailchimp",
    provider: "Mailchimp",
    docs: "https://mailchimp.com/developer/marketing/api/ping/",
    base: "https://{dc}.api.mailchimp.com",
    hostPattern: /^us\d{1,2}\.api\.mailchimp\.com$/,
    request: (ctx) => {
      const dc = /-(us\d{1,2})$/.exec(ctx.secret)?.[1];
      if (!dc) return { status: "unknown", detail: "the key has no data-centre suffix (-usN)" };
      const base = ctx.overridden ? ctx.base : `https://${dc}.api.mailchimp.com`;
      return { method: "GET", url: `${base}/3.0/ping`, headers: basic("gitward", ctx.secret) };
    },
    interpret: (answer) => interpretSimple({ provider: "Mailchimp", identity: ["health_status"] }, answer),
  },
  simpleVerifier({
    id: "postmark",
    provider: "Postmark",
    docs: "https://postmarkapp.com/developer/api/server-api#get-server",
    base: "https://api.postmarkapp.com",
    path: "/server",
    auth: { kind: "header", name: "x-postmark-server-token" },
    identity: ["Name"],
  }),
  simpleVerifier({
    id: "intercom",
    provider: "Intercom",
    docs: "https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/identifyadmin",
    base: "https://api.intercom.io",
    path: "/me",
    auth: { kind: "bearer" },
    identity: ["app.name"],
  }),
  simpleVerifier({
    id: "brevo",
    provider: "Brevo",
    docs: "https://developers.brevo.com/reference/getaccount",
    base: "https://api.brevo.com",
    path: "/v3/account",
    auth: { kind: "header", name: "api-key" },
    identity: ["companyName"],
  }),
  simpleVerifier({
    id: "sparkpost",
    provider: "SparkPost",
    docs: "https://developers.sparkpost.com/api/account/",
    base: "https://api.sparkpost.com",
    path: "/api/v1/account",
    auth: { kind: "header", name: "authorization" },
    forbiddenIsLive: true,
  }),
  simpleVerifier({
    id: "webex",
    provider: "Webex",
    docs: "https://developer.webex.com/docs/api/v1/people/get-my-own-details",
    base: "https://webexapis.com",
    path: "/v1/people/me",
    auth: { kind: "bearer" },
    identity: ["displayName"],
  }),
  simpleVerifier({
    id: "klaviyo",
    provider: "Klaviyo",
    docs: "https://developers.klaviyo.com/en/reference/get_accounts",
    base: "https://a.klaviyo.com",
    path: "/api/accounts/",
    auth: { kind: "header", name: "authorization", prefix: "Klaviyo-API-Key " },
    headers: { revision: "2024-10-15" },
    forbiddenIsLive: true,
  }),
  simpleVerifier({
    id: "mailtrap",
    provider: "Mailtrap",
    docs: "https://api-docs.mailtrap.io/docs/mailtrap-api-docs/",
    base: "https://mailtrap.io",
    path: "/api/accounts",
    auth: { kind: "bearer" },
  }),
  simpleVerifier({
    id: "line",
    provider: "LINE",
    docs: "https://developers.line.biz/en/reference/messaging-api/#get-bot-info",
    base: "https://api.line.me",
    path: "/v2/bot/info",
    auth: { kind: "bearer" },
    identity: ["basicId"],
  }),
];
