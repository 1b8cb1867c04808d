/** AI platforms: OpenAI (project, service-account, admin keys), Anthropic (API and admin keys), Hugging Face, Replicate, Groq, Mistral, Cohere, ElevenLabs, xAI, OpenRouter. */
import { simpleVerifier, type Verifier } from "../verifier.js";

const ANTHROPIC_VERSION = { "anthropic-version": "2023-06-01" };

export const aiVerifiers: Verifier[] = [
  simpleVerifier({
    id: "openai",
    provider: "OpenAI",
    docs: "https://platform.openai.com/docs/api-reference/models/list",
    base: "https://api.openai.com",
    path: "/v1/models",
    auth: { kind: "bearer" },
    // Restricted project keys without the models permission get 403.
    forbiddenIsLive: true,
  }),
  simpleVerifier({
    id: "openai-admin",
    provider: "OpenAI",
    docs: "https://platform.openai.com/docs/api-reference/projects/list",
    base: "https://api.openai.com",
    path: "/v1/organization/projects?limit=1",
    auth: { kind: "bearer" },
  }),
  simpleVerifier({
    id: "anthropic",
    provider: "Anthropic",
    docs: "https://docs.anthropic.com/en/api/models-list",
    base: "https://api.anthropic.com",
    path: "/v1/models?limit=1",
    auth: { kind: "header", name: "x-api-key" },
    headers: ANTHROPIC_VERSION,
  }),
  simpleVerifier({
    id: "anthropic-admin",
    provider: "Anthropic",
    docs: "https://docs.anthropic.com/en/api/admin-api/organization/get-me",
    base: "https://api.anthropic.com",
    path: "/v1/organizations/me",
    auth: { kind: "header", name: "x-api-key" },
    headers: ANTHROPIC_VERSION,
    identity: ["name"],
  }),
  simpleVerifier({
    id: "huggingface",
    provider: "Hugging Face",
    docs: "https://huggingface.co/docs/hub/api#get-apiwhoami-v2",
    base: "https://huggingface.co",
    path: "/api/whoami-v2",
    auth: { kind: "bearer" },
    identity: ["name"],
  }),
  simpleVerifier({
    id: "replicate",
    provider: "Replicate",
    docs: "https://replicate.com/docs/reference/http#account.get",
    base: "https://api.replicate.com",
    path: "/v1/account",
    auth: { kind: "bearer" },
    identity: ["username"],
  }),
  simpleVerifier({
    id: "groq",
    provider: "Groq",
    docs: "https://console.groq.com/docs/api-reference#models-list",
    base: "https://api.groq.com",
    path: "/openai/v1/models",
    auth: { kind: "bearer" },
  }),
  simpleVerifier({
    id: "mistral",
    provider: "Mistral",
    docs: "https://docs.mistral.ai/api/#tag/models/operation/list_models_v1_models_get",
    base: "https://api.mistral.ai",
    path: "/v1/models",
    auth: { kind: "bearer" },
  }),
  simpleVerifier({
    id: "cohere",
    provider: "Cohere",
    docs: "https://docs.cohere.com/reference/checkapikey",
    base: "https://api.cohere.com",
    path: "/v1/check-api-key",
    method: "POST",
    auth: { kind: "bearer" },
    body: "{}",
    check: (json, answer) => {
      if (answer.status !== 200 || json === undefined) return undefined;
      const valid = (json as { valid?: unknown }).valid;
      if (valid === true) return { status: "live", detail: "Cohere accepted it (valid: true)" };
      if (valid === false) return { status: "invalid", detail: "Cohere rejected it (valid: false)" };
      return { status: "error", detail: "Cohere answered 200 without a valid field (malformed body)" };
    },
  }),
  simpleVerifier({
    id: "elevenlabs",
    provider: "ElevenLabs",
    docs: "https://elevenlabs.io/docs/api-reference/user/get",
    base: "https://api.elevenlabs.io",
    path: "/v1/user",
    auth: { kind: "header", name: "xi-api-key" },
  }),
  simpleVerifier({
    id: "xai",
    provider: "xAI",
    docs: "https://docs.x.ai/docs/api-reference#api-key",
    base: "https://api.x.ai",
    path: "/v1/api-key",
    auth: { kind: "bearer" },
    identity: ["name"],
    invalidStatuses: [400, 401],
  }),
  simpleVerifier({
    id: "openrouter",
    provider: "OpenRouter",
    docs: "https://openrouter.ai/docs/api-reference/api-keys/get-current-api-key",
    base: "https://openrouter.ai",
    path: "/api/v1/key",
    auth: { kind: "bearer" },
    identity: ["data.label"],
  }),
];
