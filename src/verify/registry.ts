/**
 * Which verifier checks which rule's findings: one line per rule, so mapping a
 * new rule (from a new pack, or a user pack via `verify.rules` in the config)
 * is one line of data. "aws:accessKeyId" means: verify with "aws", the
 * finding's secret filling the companion slot "accessKeyId" (the key id of an
 * id + secret pair); without a slot the secret is the credential itself.
 *
 * `test/verify/registry.test.ts` checks that every mapped rule exists in the
 * built-in packs (or is listed in FORESEEN_RULES) and every verifier exists.
 */
import { aiVerifiers } from "./providers/ai.js";
import { awsVerifiers } from "./providers/aws.js";
import { cloudVerifiers } from "./providers/cloud.js";
import { messagingVerifiers } from "./providers/messaging.js";
import { observabilityVerifiers } from "./providers/observability.js";
import { paymentsVerifiers } from "./providers/payments.js";
import { registriesVerifiers } from "./providers/registries.js";
import { saasVerifiers } from "./providers/saas.js";
import { vcsCiVerifiers } from "./providers/vcs-ci.js";
import type { Verifier } from "./verifier.js";

export const VERIFIERS: ReadonlyMap<string, Verifier> = new Map(
  [
    ...awsVerifiers,
    ...vcsCiVerifiers,
    ...messagingVerifiers,
    ...paymentsVerifiers,
    ...registriesVerifiers,
    ...cloudVerifiers,
    ...observabilityVerifiers,
    ...aiVerifiers,
    ...saasVerifiers,
  ].map((v) => [v.id, v]),
);

/**
 * One line per rule: rule id, then the verifier (and the companion slot for
 * one half of a pair). A plain table rather than an object literal so that
 * rule-to-provider lines do not read like hard-coded keys to the generic rules.
 */
const TABLE = `
# aws.yaml: the key id and its secret verify as a pair (one call for both findings)
aws-access-key-id                         aws:accessKeyId
aws-secret-access-key                     aws:secretAccessKey
aws-secret-access-key-near-id             aws:secretAccessKey
# vcs-ci.yaml
github-personal-access-token              github
github-oauth-access-token                 github
github-user-to-server-token               github
github-installation-access-token          github
github-fine-grained-pat                   github
gitlab-personal-access-token              gitlab
gitlab-personal-access-token-routable     gitlab
circleci-personal-api-token               circleci
buildkite-api-access-token                buildkite
snyk-api-token                            snyk
sourcegraph-access-token                  sourcegraph
travis-ci-api-token                       travis-ci
# azure.yaml
azure-devops-pat                          azure-devops
azure-devops-pat-legacy                   azure-devops
# messaging.yaml
slack-bot-token                           slack
slack-user-token                          slack
slack-app-token                           slack
slack-legacy-token                        slack
discord-bot-token                         discord-bot
telegram-bot-token                        telegram-bot
twilio-auth-token                         twilio
twilio-api-key                            twilio-api-key
sendgrid-api-key                          sendgrid
mailgun-api-key                           mailgun
mailgun-private-key                       mailgun
mailchimp-api-key                         mailchimp
postmark-server-token                     postmark
intercom-access-token                     intercom
brevo-api-key                             brevo
sparkpost-api-key                         sparkpost
# payments.yaml
stripe-secret-key                         stripe
stripe-test-secret-key                    stripe
stripe-restricted-key                     stripe
shopify-access-token                      shopify
shopify-custom-app-token                  shopify
shopify-private-app-token                 shopify
square-access-token                       square
square-legacy-access-token                square
# registries.yaml
npm-access-token                          npm
pypi-upload-token                         pypi
testpypi-upload-token                     testpypi
dockerhub-personal-access-token           dockerhub
crates-io-api-token                       crates-io
# cloud-other.yaml
digitalocean-personal-access-token        digitalocean
digitalocean-oauth-token                  digitalocean
heroku-api-key                            heroku
heroku-api-key-v2                         heroku
cloudflare-api-token                      cloudflare
vercel-access-token                       vercel
netlify-personal-access-token             netlify
linode-api-token                          linode
hetzner-cloud-api-token                   hetzner-cloud
render-api-key                            render
cloudflare-api-token-legacy               cloudflare
vercel-token-legacy                       vercel
netlify-access-token-legacy               netlify
vultr-api-key                             vultr
supabase-personal-access-token            supabase
# observability.yaml
datadog-api-key                           datadog
sentry-org-auth-token                     sentry
sentry-user-auth-token                    sentry
newrelic-user-api-key                     newrelic
pagerduty-api-key                         pagerduty
sentry-legacy-auth-token                  sentry
honeycomb-api-key                         honeycomb
honeycomb-ingest-key                      honeycomb
launchdarkly-api-token                    launchdarkly
opsgenie-api-key                          opsgenie
axiom-personal-token                      axiom
# ai.yaml
openai-project-key                        openai
openai-service-account-key                openai
openai-api-key                            openai
openai-admin-key                          openai-admin
anthropic-api-key                         anthropic
anthropic-admin-key                       anthropic-admin
huggingface-access-token                  huggingface
huggingface-org-token                     huggingface
replicate-api-token                       replicate
groq-api-key                              groq
mistral-api-key                           mistral
cohere-api-key                            cohere
elevenlabs-api-key                        elevenlabs
xai-api-key                               xai
openrouter-api-key                        openrouter
together-api-key                          together
together-api-key-v1                       together
pinecone-api-key                          pinecone
deepseek-api-key                          deepseek
deepgram-api-key                          deepgram
stability-api-key                         stability
# saas.yaml
atlassian-api-token                       atlassian
linear-api-key                            linear
notion-integration-token                  notion
airtable-personal-access-token            airtable
figma-personal-access-token               figma
asana-personal-access-token               asana
doppler-personal-token                    doppler
doppler-service-token                     doppler
doppler-cli-token                         doppler
postman-api-key                           postman
terraform-cloud-api-token                 terraform-cloud
dropbox-long-lived-token                  dropbox
dropbox-short-lived-token                 dropbox
hubspot-private-app-token                 hubspot
pulumi-access-token                       pulumi
typeform-personal-access-token            typeform
contentful-personal-access-token          contentful
posthog-personal-api-key                  posthog
clickup-personal-token                    clickup
webflow-api-token                         webflow
tailscale-api-key                         tailscale
# Foreseen: rules of the provider packs being added (devtools-more, data-more, commerce-more, context-comms,
# identity-social); listed in FORESEEN_RULES until they are on main
fastly-api-token                          fastly
shortcut-api-token                        shortcut
deepl-api-key                             deepl
deepl-api-key-free                        deepl-free
neon-api-key                              neon
bitly-access-token                        bitly
webex-access-token                        webex
klaviyo-private-api-key                   klaviyo
pipedrive-api-token                       pipedrive
mailtrap-api-token                        mailtrap
calcom-api-key                            calcom
mercadopago-access-token                  mercadopago
line-channel-access-token                 line
coda-api-token                            coda
smartsheet-access-token                   smartsheet
eventbrite-private-token                  eventbrite
surveymonkey-access-token                 surveymonkey
wrike-permanent-token                     wrike
devto-api-key                             devto
statuspage-api-key                        statuspage
pinterest-access-token                    pinterest
jumpcloud-api-key                         jumpcloud
apify-api-token                           apify
rootly-api-key                            rootly
cockroachdb-cloud-api-key                 cockroachdb-cloud
datastax-astra-token                      astra
elastic-cloud-api-key                     elastic-cloud
`;

function parseTable(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const [rule, target] = line.trim().split(/\s+/);
    if (rule && target && !rule.startsWith("#")) out[rule] = target;
  }
  return out;
}

export const RULE_VERIFIERS: Readonly<Record<string, string>> = parseTable(TABLE);

/** Mapped rule ids that no built-in pack defines yet (new provider packs in progress). */
export const FORESEEN_RULES: ReadonlySet<string> = new Set([
  "fastly-api-token",
  "shortcut-api-token",
  "deepl-api-key",
  "deepl-api-key-free",
  "neon-api-key",
  "bitly-access-token",
  "webex-access-token",
  "klaviyo-private-api-key",
  "pipedrive-api-token",
  "mailtrap-api-token",
  "calcom-api-key",
  "mercadopago-access-token",
  "line-channel-access-token",
  "coda-api-token",
  "smartsheet-access-token",
  "eventbrite-private-token",
  "surveymonkey-access-token",
  "wrike-permanent-token",
  "devto-api-key",
  "statuspage-api-key",
  "pinterest-access-token",
  "jumpcloud-api-key",
  "apify-api-token",
  "rootly-api-key",
  "cockroachdb-cloud-api-key",
  "datastax-astra-token",
  "elastic-cloud-api-key",
]);

export interface RuleVerifier {
  verifier: Verifier;
  /** The companion slot the finding's secret fills, or undefined when it is the credential itself. */
  role?: string;
}

/** The verifier for a rule: config `verify.rules` first, then the built-in table. */
export function verifierForRule(ruleId: string, extra: Readonly<Record<string, string>> = {}): RuleVerifier | undefined {
  const entry = extra[ruleId] ?? RULE_VERIFIERS[ruleId];
  if (!entry) return undefined;
  const [id, role] = entry.split(":") as [string, string | undefined];
  const verifier = VERIFIERS.get(id);
  if (!verifier) return undefined;
  return { verifier, ...(role ? { role } : {}) };
}
