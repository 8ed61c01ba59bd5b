// Load a DCC known-issuer registry with @digitalcredentials/issuer-registry-client and
// look up DIDs. stdin: {"url": "...", "dids": ["did:..."]}; stdout: {"loaded": [...], "found": {did: entry|null}}.
import { RegistryClient } from '@digitalcredentials/issuer-registry-client'

let input = ''
for await (const chunk of process.stdin) input += chunk
const { url, dids } = JSON.parse(input)
const client = new RegistryClient()
const loaded = await client.load({ config: [{ name: 'Kringloop-sector', url }] })
const found = {}
for (const did of dids) {
  const entry = client.didEntry(did)
  found[did] = entry ? { name: entry.name, location: entry.location ?? null, url: entry.url } : null
}
process.stdout.write(JSON.stringify({ loaded, found }))
