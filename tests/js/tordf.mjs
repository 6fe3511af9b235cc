// A JSON-LD document as RDF by jsonld.js (the reference JavaScript JSON-LD processor), for careerkg's tests.
// Usage: node tordf.mjs DOCUMENT.jsonld   -> N-Quads on standard output. Nothing is fetched: a document
// that needs a remote context fails.
import { readFileSync } from 'node:fs'
import jsonld from 'jsonld'

const offline = async url => { throw new Error(`not fetched (offline): ${url}`) }
const document = JSON.parse(readFileSync(process.argv[2], 'utf8'))
process.stdout.write(await jsonld.toRDF(document, { format: 'application/n-quads', documentLoader: offline }))
