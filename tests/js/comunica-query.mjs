// A SPARQL query answered by Comunica (@comunica/query-sparql) over one local RDF file, for careerkg's tests.
// Usage: node comunica-query.mjs DATA.nt|DATA.ttl QUERY.rq   -> SPARQL JSON results (SELECT, ASK) or N-Triples
// (CONSTRUCT, DESCRIBE) on standard output. The file is parsed here (N3.js) into an in-memory store, Comunica's
// only source; nothing is fetched: any HTTP request Comunica would make (a SERVICE) fails the query.
// An error is one line on standard error and exit code 1.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { Parser, Store } from 'n3'
import { QueryEngine } from '@comunica/query-sparql'

const MEDIA = { bindings: 'application/sparql-results+json', boolean: 'application/sparql-results+json', quads: 'application/n-triples' }

async function main ([dataPath, queryPath, ...rest]) {
  if (!dataPath || !queryPath || rest.length) throw new Error('usage: node comunica-query.mjs DATA.nt|DATA.ttl QUERY.rq')
  const format = /\.(nt|ntriples)$/i.test(dataPath) ? 'N-Triples' : 'Turtle'
  const store = new Store(new Parser({ format, baseIRI: pathToFileURL(dataPath).href }).parse(readFileSync(dataPath, 'utf8')))
  const offline = async url => { throw new Error(`not fetched (offline): ${url}`) }
  const engine = new QueryEngine()
  const result = await engine.query(readFileSync(queryPath, 'utf8'), { sources: [store], fetch: offline, lenient: false })
  const { data } = await engine.resultToString(result, MEDIA[result.resultType])
  let answer = ''
  for await (const chunk of data) answer += chunk  // whole, or an error and nothing on standard output
  process.stdout.write(answer)
}

main(process.argv.slice(2)).catch(error => {
  process.stderr.write(`comunica-query: ${String(error && error.message ? error.message : error).split('\n')[0]}\n`)
  process.exit(1)
})
