#!/usr/bin/env node
/*
 * dbvc.mjs: run Digital Bazaar's Verifiable Credentials / Data Integrity
 * libraries on JSON jobs, for the interoperability tests (see ../README.md).
 *
 * stdin:  ONE JSON document: a job object, or {"jobs": [job, ...]}.
 * stdout: ONE JSON document: the job's result, or {"results": [...]}.
 * Exit code 0, even when jobs fail (each failed job gives
 * {"ok": false, "error": "..."}); 2 only when stdin is not valid JSON.
 *
 * Fully offline: JSON-LD contexts come only from the bundled copies listed in
 * credentials/contexts/manifest.json (SHA-256 checked), did:key is resolved
 * locally, everything else comes from the job itself, or from a loopback URL
 * that the job lists in "httpAllow".
 */
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as vc from '@digitalbazaar/vc';
import {
  createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {
  checkStatus as bitstringCheckStatus
} from '@digitalbazaar/vc-bitstring-status-list';
import {driver as createDidKeyDriver} from '@digitalbazaar/did-method-key';
import {
  cryptosuite as eddsaRdfc2022Cryptosuite
} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';

// stdout carries exactly one JSON document: route stray library logging to
// stderr.
console.log = console.info = console.debug = (...args) =>
  console.error(...args);
process.on('unhandledRejection', error => {
  console.error('dbvc: unhandled rejection:', describeError(error));
});

const JS_DIR = dirname(fileURLToPath(import.meta.url));
const MANIFEST_PATH = fileURLToPath(
  new URL('../../../credentials/contexts/manifest.json', import.meta.url));
const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';
const CRYPTOSUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'];
const VERIFICATION_RELATIONSHIPS = [
  'verificationMethod', 'assertionMethod', 'authentication',
  'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'
];
const HTTP_TIMEOUT_MS = 15000;
const {purposes: {AssertionProofPurpose}} = jsigs;

// ---------------------------------------------------------------------------
// error reporting

function truncate(text, max = 2000) {
  return text.length > max ? `${text.slice(0, max)}...(truncated)` : text;
}

function safeJson(value, seen) {
  try {
    const text = JSON.stringify(value, (key, v) => {
      if(v instanceof Error) {
        return describeError(v, seen);
      }
      if(typeof v === 'bigint') {
        return v.toString();
      }
      return v;
    });
    return truncate(text === undefined ? String(value) : text);
  } catch(e) {
    return `[unserialisable: ${e.message}]`;
  }
}

/**
 * One readable line for an error, with jsonld `details`, aggregated `errors`
 * and the `cause` chain flattened into it.
 */
function describeError(error, seen = new Set()) {
  if(error === null || error === undefined || typeof error !== 'object') {
    return String(error);
  }
  if(seen.has(error)) {
    return '[circular]';
  }
  seen.add(error);
  const name = error.name || error.constructor?.name || 'Error';
  let text = 'message' in error ? `${name}: ${error.message}` :
    safeJson(error, seen);
  if(error.details !== undefined && error.details !== null) {
    text += ` | details: ${safeJson(error.details, seen)}`;
  }
  if(Array.isArray(error.errors) && error.errors.length > 0) {
    text += ` | errors: [${
      error.errors.map(e => describeError(e, seen)).join('; ')}]`;
  }
  if(error.cause !== undefined && error.cause !== null) {
    text += ` | cause: ${describeError(error.cause, seen)}`;
  }
  return text;
}

/** Readable messages for every error inside a verifyCredential() result. */
function collectErrors(result) {
  const errors = [];
  const add = error => {
    if(!error) {
      return;
    }
    // jsonld-signatures wraps the per-proof errors in a VerificationError
    // whose `errors` are the same objects found in `results[].error`.
    if(error.name === 'VerificationError' && Array.isArray(error.errors) &&
      error.errors.length > 0) {
      error.errors.forEach(add);
      return;
    }
    if(!errors.includes(error)) {
      errors.push(error);
    }
  };
  add(result?.error);
  for(const r of result?.results ?? []) {
    add(r.error);
    add(r.purposeResult?.error);
  }
  const status = result?.statusResult;
  if(status) {
    add(status.error);
    for(const r of status.results ?? []) {
      add(r.error);
    }
  }
  const messages = [...new Set(errors.map(e => describeError(e)))];
  if(result?.verified !== true && messages.length === 0) {
    messages.push('verification failed without an error message');
  }
  return messages;
}

/** JSON-safe copy of a library result (errors become readable strings). */
function toJsonSafe(value) {
  if(value === undefined) {
    return null;
  }
  return JSON.parse(JSON.stringify(value, (key, v) => {
    if(v instanceof Error) {
      return describeError(v);
    }
    if(typeof v === 'bigint') {
      return v.toString();
    }
    return v;
  }));
}

// ---------------------------------------------------------------------------
// bundled JSON-LD contexts

let contextStore = null;

function loadContexts() {
  if(contextStore) {
    return contextStore;
  }
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8'));
  } catch(e) {
    throw new Error(
      `Cannot read the context manifest "${MANIFEST_PATH}": ${e.message}`);
  }
  const entries = manifest?.contexts;
  if(!entries || typeof entries !== 'object') {
    throw new Error(
      `Context manifest "${MANIFEST_PATH}" has no "contexts" object.`);
  }
  const store = new Map();
  for(const [url, entry] of Object.entries(entries)) {
    const file = entry?.file;
    if(typeof file !== 'string' || file === '' || file.includes('/') ||
      file.includes('\\') || file.startsWith('.')) {
      throw new Error(`Context manifest entry "${url}" has a bad "file".`);
    }
    const path = join(dirname(MANIFEST_PATH), file);
    const bytes = readFileSync(path);
    const digest = createHash('sha256').update(bytes).digest('hex');
    if(digest !== entry.sha256) {
      throw new Error(
        `SHA-256 MISMATCH for bundled context "${url}" (${path}): ` +
        `manifest says ${entry.sha256}, file is ${digest}.`);
    }
    store.set(url, JSON.parse(bytes.toString('utf8')));
  }
  contextStore = store;
  return store;
}

// ---------------------------------------------------------------------------
// document loader

const didKeyDriver = createDidKeyDriver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

function splitFragment(url) {
  const i = url.indexOf('#');
  return i === -1 ? [url, undefined] : [url.slice(0, i), url.slice(i + 1)];
}

function isLoopbackHostname(hostname) {
  return hostname === 'localhost' || hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Validates and normalises one "httpAllow" prefix (loopback only). */
function normaliseAllowPrefix(prefix) {
  if(typeof prefix !== 'string') {
    throw new TypeError('"httpAllow" entries must be strings.');
  }
  let url;
  try {
    url = new URL(prefix);
  } catch{
    throw new TypeError(`"httpAllow" entry "${prefix}" is not a URL.`);
  }
  if(!['http:', 'https:'].includes(url.protocol) ||
    !isLoopbackHostname(url.hostname)) {
    throw new Error(
      `"httpAllow" entry "${prefix}" is not an http(s) loopback URL ` +
      '(127.0.0.0/8, localhost or [::1]).');
  }
  const normalised = prefix === url.origin ? `${prefix}/` : prefix;
  if(!normalised.startsWith(`${url.origin}/`)) {
    throw new Error(`"httpAllow" entry "${prefix}" is not a plain URL prefix.`);
  }
  return normalised;
}

/**
 * did:web DID -> URL of its DID document (did:web spec), except that the
 * hosts 127.0.0.1 and localhost use http (the tests' local server).
 */
function didWebToUrl(did) {
  const msid = did.slice('did:web:'.length);
  if(msid === '' || /[/?#]/.test(msid)) {
    throw new Error(`"${did}" is not a valid did:web DID.`);
  }
  const [hostPart, ...pathParts] = msid.split(':');
  if(hostPart === '' || pathParts.some(p => p === '')) {
    throw new Error(`"${did}" is not a valid did:web DID.`);
  }
  const host = decodeURIComponent(hostPart);
  let hostname;
  try {
    ({hostname} = new URL(`http://${host}/`));
  } catch{
    throw new Error(`"${did}" has an invalid host "${host}".`);
  }
  const scheme = hostname === '127.0.0.1' || hostname === 'localhost' ?
    'http' : 'https';
  const path = pathParts.length > 0 ?
    `/${pathParts.join('/')}` : '/.well-known';
  return `${scheme}://${host}${path}/did.json`;
}

async function fetchJson(url) {
  let response;
  try {
    response = await fetch(url, {
      redirect: 'error',
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      headers: {
        accept: 'application/did+ld+json, application/ld+json, ' +
          'application/did+json, application/json'
      }
    });
  } catch(e) {
    const error = new Error(`HTTP fetch of "${url}" failed: ${e.message}`);
    error.cause = e;
    throw error;
  }
  if(!response.ok) {
    throw new Error(`HTTP ${response.status} fetching "${url}".`);
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch(e) {
    throw new Error(`"${url}" did not return JSON: ${e.message}`);
  }
}

/**
 * The whole document (no fragment), or the verification method `url` from
 * it, with the document's "@context" copied in (as jsonld-signatures
 * expects of a dereferenced verification method).
 */
function selectFromDocument(doc, url, fragment) {
  if(fragment === undefined) {
    return structuredClone(doc);
  }
  for(const relationship of VERIFICATION_RELATIONSHIPS) {
    const values = doc[relationship] === undefined ? [] :
      [].concat(doc[relationship]);
    for(const vm of values) {
      if(vm && typeof vm === 'object' && vm.id === url) {
        return structuredClone(
          {'@context': doc['@context'], ...vm});
      }
    }
  }
  throw new Error(
    `Verification method "${url}" not found in document "${doc.id}".`);
}

async function resolveDidKey(url) {
  const [did, fragment] = splitFragment(url);
  const publicKeyMultibase = did.slice('did:key:'.length);
  if(fragment !== undefined && fragment !== publicKeyMultibase) {
    throw new Error(
      `did:key URL "${url}": only the fragment "#${publicKeyMultibase}" ` +
      'can be resolved offline.');
  }
  return didKeyDriver.get({url});
}

function remoteDocument(url, document) {
  return {contextUrl: null, documentUrl: url, document};
}

/**
 * The one document loader used by every job: bundled contexts, did:key,
 * the job's DID / controller documents and status list credentials, and
 * loopback URLs the job allows. Everything else throws.
 */
function makeDocumentLoader(job = {}) {
  const {didDocuments = [], statusListCredentials = {}, httpAllow = []} = job;
  if(!Array.isArray(didDocuments)) {
    throw new TypeError('"didDocuments" must be an array.');
  }
  if(!statusListCredentials || typeof statusListCredentials !== 'object' ||
    Array.isArray(statusListCredentials)) {
    throw new TypeError('"statusListCredentials" must be an object.');
  }
  if(!Array.isArray(httpAllow)) {
    throw new TypeError('"httpAllow" must be an array.');
  }
  const documentsById = new Map();
  for(const doc of didDocuments) {
    if(!doc || typeof doc !== 'object' || typeof doc.id !== 'string') {
      throw new TypeError('Every "didDocuments" entry needs a string "id".');
    }
    if(documentsById.has(doc.id)) {
      throw new Error(`"didDocuments" lists "${doc.id}" twice.`);
    }
    documentsById.set(doc.id, doc);
  }
  const allowPrefixes = httpAllow.map(normaliseAllowPrefix);
  const isAllowed = url => allowPrefixes.some(p => url.startsWith(p));
  const contexts = loadContexts();

  return async function documentLoader(url) {
    if(typeof url !== 'string') {
      throw new TypeError(`Document URL must be a string, got ${typeof url}.`);
    }
    if(contexts.has(url)) {
      return remoteDocument(url, contexts.get(url));
    }
    if(url.startsWith('did:key:')) {
      return remoteDocument(url, await resolveDidKey(url));
    }
    const [base, fragment] = splitFragment(url);
    if(documentsById.has(base)) {
      return remoteDocument(
        url, selectFromDocument(documentsById.get(base), url, fragment));
    }
    if(Object.hasOwn(statusListCredentials, url)) {
      return remoteDocument(url, structuredClone(statusListCredentials[url]));
    }
    if(base.startsWith('did:web:')) {
      const httpUrl = didWebToUrl(base);
      if(!isAllowed(httpUrl)) {
        throw new Error(
          `did:web DID "${base}" is not in the job's "didDocuments", and ` +
          `its DID document URL "${httpUrl}" is not in "httpAllow" ` +
          '(offline).');
      }
      const doc = await fetchJson(httpUrl);
      if(doc?.id !== base) {
        throw new Error(
          `DID document at "${httpUrl}" has id "${doc?.id}", ` +
          `expected "${base}".`);
      }
      return remoteDocument(url, selectFromDocument(doc, url, fragment));
    }
    if(isAllowed(url)) {
      const doc = await fetchJson(base);
      return remoteDocument(url, selectFromDocument(doc, url, fragment));
    }
    throw new Error(
      `URL "${url}" is not allowed offline: it is not a bundled context, ` +
      'a did:key, a document in the job\'s "didDocuments", a ' +
      '"statusListCredentials" entry, or under an "httpAllow" prefix.');
  };
}

// ---------------------------------------------------------------------------
// suites

function requireObject(value, name) {
  if(!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`"${name}" must be a JSON object.`);
  }
  return value;
}

async function importSigningKey(key) {
  requireObject(key, 'key');
  for(const field of
    ['id', 'controller', 'publicKeyMultibase', 'secretKeyMultibase']) {
    if(typeof key[field] !== 'string' || key[field] === '') {
      throw new TypeError(`"key.${field}" must be a non-empty string.`);
    }
  }
  const keyPair = await Ed25519Multikey.from({
    '@context': MULTIKEY_CONTEXT_V1,
    type: 'Multikey',
    id: key.id,
    controller: key.controller,
    publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: key.secretKeyMultibase
  });
  // catch a secret key that does not belong to the public key
  const data = new TextEncoder().encode('dbvc key check');
  const signature = await keyPair.signer().sign({data});
  if(!await keyPair.verifier().verify({data, signature})) {
    throw new Error(
      '"key.secretKeyMultibase" does not match "key.publicKeyMultibase".');
  }
  return keyPair;
}

/**
 * "created": a string is written to proof.created verbatim; null omits
 * proof.created; absent lets the library use the current time.
 */
function makeSignSuite({keyPair, cryptosuite, created}) {
  let suite;
  if(cryptosuite === 'eddsa-rdfc-2022') {
    suite = eddsaRdfc2022Cryptosuite;
  } else if(cryptosuite === 'eddsa-jcs-2022') {
    suite = createJcsSignCryptosuite();
  } else {
    throw new Error(
      `"cryptosuite" must be one of ${CRYPTOSUITES.join(', ')}; ` +
      `got ${JSON.stringify(cryptosuite)}.`);
  }
  const options = {signer: keyPair.signer(), cryptosuite: suite};
  if(created === null) {
    options.date = null;
  } else if(created !== undefined && typeof created !== 'string') {
    throw new TypeError('"created" must be a string or null.');
  }
  const proof = new DataIntegrityProof(options);
  if(typeof created === 'string') {
    // DataIntegrityProof starts from `this.proof`; a `date` option would be
    // re-serialised (milliseconds dropped, offsets converted to Z).
    proof.proof = {created};
  }
  return proof;
}

function makeVerifySuites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022Cryptosuite}),
    new DataIntegrityProof({cryptosuite: createJcsVerifyCryptosuite()})
  ];
}

// status is not checked unless asked; the library otherwise refuses any
// credential that has "credentialStatus"
async function skipStatusCheck() {
  return {verified: true, skipped: true};
}

// ---------------------------------------------------------------------------
// jobs

async function opSign(job) {
  const credential = requireObject(job.credential, 'credential');
  const keyPair = await importSigningKey(job.key);
  const suite = makeSignSuite(
    {keyPair, cryptosuite: job.cryptosuite, created: job.created});
  const documentLoader = makeDocumentLoader(job);
  const signed = await vc.issue(
    {credential: structuredClone(credential), suite, documentLoader});
  return {ok: true, signed};
}

function verifyOptions(job, credential) {
  const options = {
    credential: structuredClone(credential),
    suite: makeVerifySuites(),
    documentLoader: makeDocumentLoader(job),
    checkStatus: job.checkStatus === true ?
      bitstringCheckStatus : skipStatusCheck
  };
  if(job.checkStatus !== undefined && typeof job.checkStatus !== 'boolean') {
    throw new TypeError('"checkStatus" must be a boolean.');
  }
  if(job.now !== undefined) {
    if(typeof job.now !== 'string' || isNaN(new Date(job.now))) {
      throw new TypeError('"now" must be an ISO date-time string.');
    }
    options.now = job.now;
  }
  if(job.checkIssuer === false) {
    // plain assertionMethod check, without vc's "issuer must be the
    // verification method's controller" rule
    options.purpose = new AssertionProofPurpose();
  } else if(job.checkIssuer !== undefined && job.checkIssuer !== true) {
    throw new TypeError('"checkIssuer" must be a boolean.');
  }
  return options;
}

async function opVerify(job) {
  const credential = requireObject(job.credential, 'credential');
  const result = await vc.verifyCredential(verifyOptions(job, credential));
  return {
    ok: true,
    verified: result.verified === true,
    errors: collectErrors(result),
    statusResult: job.checkStatus === true ?
      toJsonSafe(result.statusResult ?? null) : null
  };
}

function nonNegativeInteger(value, name, fallback) {
  if(value === undefined) {
    return fallback;
  }
  if(!Number.isInteger(value) || value < 0 || value > 1000000) {
    throw new TypeError(`"${name}" must be an integer from 0 to 1000000.`);
  }
  return value;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] :
    (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  // nearest-rank percentile
  const p90 = sorted[Math.max(0, Math.ceil(0.9 * n) - 1)];
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const round = x => Math.round(x * 1000) / 1000;
  return {
    median: round(median), p90: round(p90), mean: round(mean),
    min: round(sorted[0]), max: round(sorted[n - 1]), samples: n
  };
}

async function opBench(job) {
  const credential = requireObject(job.credential, 'credential');
  const iterations = nonNegativeInteger(job.iterations, 'iterations', 100);
  const warmup = nonNegativeInteger(job.warmup, 'warmup', 10);
  if(iterations < 1) {
    throw new TypeError('"iterations" must be at least 1.');
  }
  const keyPair = await importSigningKey(job.key);
  const documentLoader = makeDocumentLoader(job);
  const {cryptosuite, created} = job;
  const sign = input => vc.issue({
    credential: input,
    suite: makeSignSuite({keyPair, cryptosuite, created}),
    documentLoader
  });
  const verify = async input => {
    const result = await vc.verifyCredential({
      credential: input, suite: makeVerifySuites(), documentLoader,
      checkStatus: skipStatusCheck
    });
    if(!result.verified) {
      throw new Error(
        `bench: verification failed: ${collectErrors(result).join('; ')}`);
    }
  };
  let signed;
  for(let i = 0; i < warmup; i++) {
    signed = await sign(structuredClone(credential));
    await verify(structuredClone(signed));
  }
  const signMs = [];
  for(let i = 0; i < iterations; i++) {
    const input = structuredClone(credential);
    const t0 = process.hrtime.bigint();
    signed = await sign(input);
    signMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const verifyMs = [];
  for(let i = 0; i < iterations; i++) {
    const input = structuredClone(signed);
    const t0 = process.hrtime.bigint();
    await verify(input);
    verifyMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return {ok: true, signMs: stats(signMs), verifyMs: stats(verifyMs)};
}

function opVersions() {
  const names = [
    '@digitalbazaar/vc', '@digitalbazaar/data-integrity',
    '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
    '@digitalbazaar/eddsa-jcs-2022-cryptosuite',
    '@digitalbazaar/ed25519-multikey', '@digitalbazaar/did-method-key',
    '@digitalbazaar/vc-bitstring-status-list', 'jsonld', 'jsonld-signatures',
    'rdf-canonize'
  ];
  const packages = {};
  for(const name of names) {
    const file = join(JS_DIR, 'node_modules', name, 'package.json');
    packages[name] = JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return {ok: true, node: process.versions.node, packages};
}

const OPS = {
  sign: opSign,
  verify: opVerify,
  bench: opBench,
  versions: opVersions
};

async function runJob(job) {
  let result;
  try {
    requireObject(job, 'job');
    if(!Object.hasOwn(OPS, job.op)) {
      throw new Error(
        `Unknown "op" ${JSON.stringify(job.op)}; expected one of ` +
        `${Object.keys(OPS).join(', ')}.`);
    }
    result = await OPS[job.op](job);
  } catch(error) {
    result = {ok: false, error: describeError(error)};
  }
  if(job && typeof job === 'object' && job.label !== undefined) {
    result = {label: job.label, ...result};
  }
  return result;
}

// ---------------------------------------------------------------------------
// main

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function finish(document, code) {
  process.stdout.write(`${JSON.stringify(document)}\n`, () => {
    process.exit(code);
  });
}

async function main() {
  let input;
  try {
    input = JSON.parse(await readStdin());
  } catch(error) {
    finish({ok: false, error: `stdin is not one JSON document: ${
      describeError(error)}`}, 2);
    return;
  }
  if(input && typeof input === 'object' && !Array.isArray(input) &&
    Array.isArray(input.jobs)) {
    const results = [];
    for(const job of input.jobs) {
      results.push(await runJob(job));
    }
    finish({results}, 0);
  } else {
    finish(await runJob(input), 0);
  }
}

main().catch(error => {
  // not expected: runJob catches everything
  finish({ok: false, error: `dbvc internal error: ${describeError(error)}`},
    0);
});
